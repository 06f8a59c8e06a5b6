/**
 * Sorting numbers fast: every metric on a large window starts by sorting the current values, and
 * V8's `Float64Array.prototype.sort` (a comparison sort) takes ~3× longer on a million values than a
 * radix sort.
 */

/** Below this a radix sort's fixed cost (its count tables) is not worth it. */
const RADIX_FROM = 4096;
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;
/** Runs this short that share their high 32 bits are finished by insertion; longer ones by `sort`. */
const INSERTION_RUN = 32;

/**
 * A sorted copy of `values` in ascending numeric order (−0 before +0, as `Float64Array.sort`).
 * The values must not be NaN. Large inputs are radix-sorted on the high 32 bits of their IEEE 754
 * patterns (sign, exponent and 20 mantissa bits, made order-preserving as unsigned integers); the few
 * values left tied on those bits are then ordered run by run.
 *
 * @example sortedCopy([3, -1, 2]) // Float64Array [-1, 2, 3]
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const copy = Float64Array.from(values);
  if (copy.length < RADIX_FROM) return copy.sort();
  return sortNumbers(copy);
}

/** The word layout below assumes little-endian typed arrays (every platform Node and browsers run on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Sorts `values` (no NaN) ascending and returns the sorted array: `values` itself or a new array of
 * the same length. Either way `values` is overwritten, so pass a copy you own.
 */
export function sortNumbers(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_FROM || !LITTLE_ENDIAN) return values.sort();
  let words: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  // Order-preserving keys: flip every bit of a negative number, only the sign bit of a positive one.
  // Little-endian: the high word of value i is words[2i + 1].
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1] as number;
    if (high & 0x80000000) {
      words[2 * i + 1] = ~high;
      words[2 * i] = ~(words[2 * i] as number);
    } else {
      words[2 * i + 1] = (high | 0x80000000) >>> 0;
    }
  }
  const counts = new Uint32Array(RADIX * 3);
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1] as number;
    (counts[high & RADIX_MASK] as number)++;
    (counts[RADIX + ((high >>> RADIX_BITS) & RADIX_MASK)] as number)++;
    (counts[2 * RADIX + (high >>> (2 * RADIX_BITS))] as number)++;
  }
  let spare: Uint32Array = new Uint32Array(2 * n);
  for (let pass = 0; pass < 3; pass++) {
    const offset = pass * RADIX;
    let sum = 0;
    let allInOneBucket = false;
    for (let k = 0; k < RADIX; k++) {
      const count = counts[offset + k] as number;
      if (count === n) allInOneBucket = true;
      counts[offset + k] = sum;
      sum += count;
    }
    if (allInOneBucket) continue;
    const shift = pass * RADIX_BITS;
    for (let i = 0; i < n; i++) {
      const low = words[2 * i] as number;
      const high = words[2 * i + 1] as number;
      const bucket = offset + ((high >>> shift) & RADIX_MASK);
      const to = counts[bucket] as number;
      counts[bucket] = to + 1;
      spare[2 * to] = low;
      spare[2 * to + 1] = high;
    }
    [words, spare] = [spare, words];
  }
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1] as number;
    if (high & 0x80000000) {
      words[2 * i + 1] = high & 0x7fffffff;
    } else {
      words[2 * i + 1] = ~high;
      words[2 * i] = ~(words[2 * i] as number);
    }
  }
  const sorted = new Float64Array(words.buffer, words.byteOffset, n);
  finishTies(sorted, words);
  return sorted;
}

/** Orders each run of values that share their high word (the radix passes left them in input order). */
function finishTies(sorted: Float64Array, words: Uint32Array): void {
  const n = sorted.length;
  let start = 0;
  while (start < n) {
    const high = words[2 * start + 1] as number;
    let end = start + 1;
    while (end < n && words[2 * end + 1] === high) end++;
    if (end - start > INSERTION_RUN) {
      sorted.subarray(start, end).sort();
    } else {
      for (let i = start + 1; i < end; i++) {
        const value = sorted[i] as number;
        let j = i - 1;
        while (j >= start && (sorted[j] as number) > value) {
          sorted[j + 1] = sorted[j] as number;
          j--;
        }
        sorted[j + 1] = value;
      }
    }
    start = end;
  }
}
