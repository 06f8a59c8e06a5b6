import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { value } from './value.ts';

describe('core.value', () => {
  it.each([
    ['an object', { lr: 0.01, layers: [64, 32] }],
    ['a string', 'hello'],
    ['a number', 3],
    ['zero', 0],
    ['false', false],
    ['an empty string', ''],
    ['null', null],
  ])('emits %s unchanged', async (_, given) => {
    const result = await runNode(value, { params: { value: given } });
    expect(result.outputs.value).toEqual(given);
    await result.cleanup();
  });
});
