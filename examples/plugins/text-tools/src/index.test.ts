import { readFile } from 'node:fs/promises';
import { NodeRegistry } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { nodes } from './index.ts';

describe('@loom-examples/text-tools', () => {
  it('exports exactly the nodes its package.json lists under loom.nodes', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(nodes.map((node) => `${node.type}@${node.version}`)).toEqual(manifest.loom.nodes);
  });

  it('installs both versions of text.word_count side by side, 2.0.0 the latest', () => {
    const registry = new NodeRegistry(nodes.map((definition) => ({ definition, source: '@loom-examples/text-tools' })));
    expect(registry.latest().map((n) => `${n.definition.type}@${n.definition.version}`)).toEqual([
      'text.top_words@1.0.0',
      'text.word_count@2.0.0',
    ]);
    expect(registry.get('text.word_count', '1.0.0')).toBeDefined();
  });
});
