import type { TrafficShare } from '../store/store-types.ts';

/**
 * The 32-bit FNV-1a hash of a string's UTF-16 code units: fast, and the same in every process and on
 * every restart, so a request id always lands in the same bucket.
 *
 * @example
 * fnv1a32('order-42'); // 1461995252
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The version a request goes to: its bucket (0–99) is the FNV-1a hash of its id mod 100, or a random
 * one when it has no id, matched against the shares' cumulative percents in ascending version order.
 * Ordering by version makes a growing canary keep the ids it had: at 10% the newest version takes
 * buckets 90–99, at 20% buckets 80–99, so no request id flips back and forth as the share grows.
 * Undefined only when there are no shares.
 *
 * @example
 * chooseVersion([{ version: 2, percent: 10 }, { version: 1, percent: 90 }], 'order-42'); // 1 or 2, always the same
 */
export function chooseVersion(
  routes: readonly TrafficShare[],
  requestId: string | undefined,
  random: () => number = Math.random,
): number | undefined {
  const shares = routes.filter((share) => share.percent > 0).sort((a, b) => a.version - b.version);
  if (shares.length === 0) return routes[0]?.version;
  if (shares.length === 1) return shares[0]?.version;
  const bucket = requestId === undefined ? Math.floor(random() * 100) : fnv1a32(requestId) % 100;
  let cumulative = 0;
  for (const share of shares) {
    cumulative += share.percent;
    if (bucket < cumulative) return share.version;
  }
  // Shares that sum to less than 100 (the store refuses those): the rest goes to the newest.
  return shares.at(-1)?.version;
}
