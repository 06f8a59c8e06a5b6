/**
 * Kubernetes resource quantities (`500m`, `2`, `512Mi`, `1G`) as plain numbers, which is all the test
 * scheduler needs to compare requests with node capacity.
 */

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkKMGTPE]?)$/;

/** Parses a quantity into base units (cores for cpu, bytes for memory); throws on malformed input. */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const match = QUANTITY.exec(quantity.trim());
  if (match === null)
    throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const [, digits = '0', suffix = ''] = match;
  const factor = BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix] ?? 1;
  return Number(digits) * factor;
}

/** True when `quantity` parses. */
export function isQuantity(quantity: unknown): boolean {
  if (typeof quantity === 'number') return Number.isFinite(quantity);
  if (typeof quantity !== 'string') return false;
  return QUANTITY.test(quantity.trim());
}
