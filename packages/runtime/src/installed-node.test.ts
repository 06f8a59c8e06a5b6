import { defineNode, NodeRegistry, output } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { installedNode } from './installed-node.ts';

const greet = (version: string) =>
  defineNode({
    type: 'acme.greet',
    version,
    title: 'Greet',
    description: 'Says hello.',
    category: 'utility',
    outputs: { text: output('text') },
    run: async () => ({ text: 'hello' }),
  });

const registry = new NodeRegistry([
  { definition: greet('1.0.0'), source: '@acme/greet@1.0.0', implementationHash: 'aaaaaaaaaaaaaaaa' },
]);

describe('installedNode', () => {
  it('accepts the exact type, version and code the plan names', () => {
    const found = installedNode(
      { type: 'acme.greet', version: '1.0.0', implementationHash: 'aaaaaaaaaaaaaaaa', source: '@acme/greet@1.0.0' },
      registry,
      'worker w1',
    );
    expect(found.ok && found.entry.source).toBe('@acme/greet@1.0.0');
  });

  it('names the missing plugin and version, and what is installed instead', () => {
    const found = installedNode(
      { type: 'acme.greet', version: '2.0.0', implementationHash: 'bbbb', source: '@acme/greet@2.0.0' },
      registry,
      'worker w1',
    );
    expect(found).toEqual({
      ok: false,
      message:
        'worker w1 does not have node type acme.greet@2.0.0, which comes from plugin @acme/greet@2.0.0; it has only acme.greet 1.0.0 (from @acme/greet@1.0.0). Install @acme/greet@2.0.0 where this step runs.',
    });
  });

  it('refuses the same version built from other code', () => {
    const found = installedNode(
      { type: 'acme.greet', version: '1.0.0', implementationHash: 'cccccccccccccccc', source: '@acme/greet@1.0.0' },
      registry,
      'worker w1',
    );
    expect(found.ok).toBe(false);
    expect(!found.ok && found.message).toBe(
      'worker w1 has node type acme.greet@1.0.0 from @acme/greet@1.0.0, but not the code the pipeline was planned with (implementation aaaaaaaaaaaa here, cccccccccccc in the plan). Install the same build of @acme/greet@1.0.0 on the server and on every worker.',
    );
  });

  it('skips the code check where no hash is known (plans stored before hashes, in-memory test registries)', () => {
    expect(installedNode({ type: 'acme.greet', version: '1.0.0', implementationHash: '' }, registry, 'x').ok).toBe(
      true,
    );
  });
});
