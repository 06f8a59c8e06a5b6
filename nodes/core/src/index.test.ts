import { NodeRegistry } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { coreNodes } from './index.ts';

describe('@loom/nodes-core', () => {
  it('registers every node once, each with a dotted core type and a semver version', () => {
    const registry = new NodeRegistry(coreNodes.map((definition) => ({ definition, source: '@loom/nodes-core' })));
    expect(registry.latest().map((n) => n.definition.type)).toEqual([
      'core.json_to_metrics',
      'core.merge_metrics',
      'core.metrics_gate',
      'core.read_json',
      'core.read_text',
      'core.value',
      'core.wait_for_file',
    ]);
    // merge_metrics 2.0.0 names clashes by their source; 1.0.0 stays for the documents that pin it.
    expect(coreNodes.filter((n) => n.version !== '1.0.0').map((n) => `${n.type}@${n.version}`)).toEqual([
      'core.merge_metrics@2.0.0',
    ]);
    expect(registry.versions('core.merge_metrics')).toEqual(['1.0.0', '2.0.0']);
  });

  it('lets only the nodes that read outside files take a fingerprint', () => {
    expect(coreNodes.filter((n) => n.fingerprint !== undefined).map((n) => n.type)).toEqual([
      'core.read_json',
      'core.read_text',
      'core.wait_for_file',
    ]);
  });
});
