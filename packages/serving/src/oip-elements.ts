import type { OipDatatype } from './oip-types.ts';
import { RequestError } from './request-error.ts';
import type { Tensor } from './tensor.ts';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** What each datatype takes, as error messages say it. */
const TAKES: Record<OipDatatype, string> = {
  FP32: 'finite numbers (null for a missing value)',
  FP64: 'finite numbers (null for a missing value)',
  INT32: '32-bit integers',
  INT64: 'integers',
  BOOL: 'true or false',
  BYTES: 'strings (null for a missing value)',
};

/**
 * Turns JSON elements into a tensor of the input's datatype, checking every element. `pathOf(i)` says
 * where element `i` sits in the request, for the error. Loom's graphs take NaN as a NULL number and ''
 * as a NULL string, so `null` becomes those; a non-finite number (JSON's `1e999` parses as Infinity) is
 * refused, since the model would read it as a value.
 */
export function elementsToTensor(
  input: string,
  datatype: OipDatatype,
  elements: readonly unknown[],
  dims: number[],
  pathOf: (index: number) => string,
): Tensor {
  const refuse = (index: number, value: unknown): never => {
    throw new RequestError(pathOf(index), `input '${input}' takes ${TAKES[datatype]}, got ${describe(value)}`, input);
  };
  const count = elements.length;
  switch (datatype) {
    case 'FP32':
    case 'FP64': {
      const data = datatype === 'FP32' ? new Float32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (value === null) data[i] = Number.NaN;
        else if (typeof value === 'number' && Number.isFinite(value)) data[i] = value;
        else refuse(i, value);
      }
      return datatype === 'FP32'
        ? { type: 'float32', data: data as Float32Array, dims }
        : { type: 'float64', data: data as Float64Array, dims };
    }
    case 'INT32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX) {
          data[i] = value as number;
        } else refuse(i, value);
      }
      return { type: 'int32', data, dims };
    }
    case 'INT64': {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (Number.isSafeInteger(value)) data[i] = BigInt(value as number);
        else refuse(i, value);
      }
      return { type: 'int64', data, dims };
    }
    case 'BOOL': {
      const data = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (typeof value === 'boolean') data[i] = value ? 1 : 0;
        else refuse(i, value);
      }
      return { type: 'bool', data, dims };
    }
    case 'BYTES': {
      const data = new Array<string>(count);
      for (let i = 0; i < count; i++) {
        const value = elements[i];
        if (value === null) data[i] = '';
        else if (typeof value === 'string') data[i] = value;
        else refuse(i, value);
      }
      return { type: 'string', data, dims };
    }
  }
}

/** A value as an error message shows it. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
