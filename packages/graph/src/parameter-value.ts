import type { PipelineParameter } from './document.ts';

/**
 * Reads a pipeline parameter's value from text (a command-line `--param name=value`, a query string)
 * according to its declared type. Returns an error message when the text does not fit.
 */
export function parseParameterText(
  parameter: PipelineParameter,
  text: string,
): { ok: true; value: string | number | boolean } | { ok: false; message: string } {
  switch (parameter.type) {
    case 'string':
      return { ok: true, value: text };
    case 'number':
    case 'integer': {
      const value = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) return { ok: false, message: `expected a number, got "${text}"` };
      if (parameter.type === 'integer' && !Number.isInteger(value)) {
        return { ok: false, message: `expected an integer, got "${text}"` };
      }
      return { ok: true, value };
    }
    case 'boolean':
      if (text === 'true' || text === '1' || text === 'yes') return { ok: true, value: true };
      if (text === 'false' || text === '0' || text === 'no') return { ok: true, value: false };
      return { ok: false, message: `expected true or false, got "${text}"` };
  }
}
