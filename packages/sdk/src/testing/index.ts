export { asDefinition, type NodeRunRecord, type RunNodeOptions, runNode } from './run-node.ts';
