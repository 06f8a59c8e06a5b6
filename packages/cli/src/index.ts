export { hashSources, loadBuiltinRegistry } from './builtin-registry.ts';
