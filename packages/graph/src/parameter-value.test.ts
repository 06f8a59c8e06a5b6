import { describe, expect, it } from 'vitest';
import type { PipelineParameter } from './document.ts';
import { parseParameterText } from './parameter-value.ts';

const string: PipelineParameter = { type: 'string' };
const number: PipelineParameter = { type: 'number' };
const integer: PipelineParameter = { type: 'integer' };
const boolean: PipelineParameter = { type: 'boolean' };

describe('parseParameterText', () => {
  it('takes a string as it is, spaces and all', () => {
    expect(parseParameterText(string, ' a b ')).toEqual({ ok: true, value: ' a b ' });
    expect(parseParameterText(string, '')).toEqual({ ok: true, value: '' });
    expect(parseParameterText(string, '42')).toEqual({ ok: true, value: '42' });
  });

  it.each([
    ['0.9', 0.9],
    ['-3', -3],
    ['1e3', 1000],
    [' 7 ', 7],
  ])('reads the number %j', (text, value) => {
    expect(parseParameterText(number, text)).toEqual({ ok: true, value });
  });

  it.each(['', '  ', 'abc', '1,5', 'Infinity', 'NaN', '0.9x'])('rejects %j as a number', (text) => {
    expect(parseParameterText(number, text)).toEqual({ ok: false, message: `expected a number, got "${text}"` });
  });

  it('reads an integer and rejects a fraction', () => {
    expect(parseParameterText(integer, '12')).toEqual({ ok: true, value: 12 });
    expect(parseParameterText(integer, '-4')).toEqual({ ok: true, value: -4 });
    expect(parseParameterText(integer, '1.5')).toEqual({ ok: false, message: 'expected an integer, got "1.5"' });
    expect(parseParameterText(integer, 'ten')).toEqual({ ok: false, message: 'expected a number, got "ten"' });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads the boolean %j', (text, value) => {
    expect(parseParameterText(boolean, text)).toEqual({ ok: true, value });
  });

  it.each(['', 'maybe', '2'])('rejects %j as a boolean', (text) => {
    expect(parseParameterText(boolean, text)).toEqual({ ok: false, message: `expected true or false, got "${text}"` });
  });
});
