/**
 * NPY format version 1.0 (numpy's `.npy`), write side only: enough for the PyTorch trainer's inputs.
 * Layout: magic `\x93NUMPY`, version 1.0, a little-endian uint16 header length, an ASCII dict header
 * padded with spaces and a newline so the data starts on a 64-byte boundary, then the raw C-order data.
 */

/** Typed arrays {@link encodeNpy} writes, with their numpy dtype (little-endian). */
export type NpyArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

const DTYPES = new Map<string, string>([
  ['Float32Array', '<f4'],
  ['Float64Array', '<f8'],
  ['Int32Array', '<i4'],
  ['BigInt64Array', '<i8'],
]);

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Encodes a C-order array of the given shape as `.npy` bytes.
 *
 * @example
 * await writeFile('x.npy', encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]));
 */
export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const descr = DTYPES.get(data.constructor.name);
  if (!descr) throw new TypeError(`encodeNpy: unsupported array type ${data.constructor.name}`);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new RangeError(`encodeNpy: bad shape [${shape}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length)
    throw new RangeError(`encodeNpy: shape [${shape}] holds ${size} values, got ${data.length}`);
  // numpy writes a 1-tuple with a trailing comma: (3,)
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const preamble = MAGIC.length + 2 + 2;
  const padded = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = `${header}${' '.repeat(padded - preamble - header.length - 1)}\n`;
  if (header.length > 0xffff) throw new RangeError('encodeNpy: header too long for NPY 1.0');

  const out = new Uint8Array(padded + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  // Typed arrays use the platform's byte order; every platform Node supports is little-endian.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), padded);
  return out;
}
