import type { TrafficShare } from './model-facts.ts';

/** An endpoint's traffic split as one bar: the main version, then a canary's share in another colour. */
export function TrafficBar({ shares }: { shares: readonly TrafficShare[] }) {
  if (shares.length === 0) return <div className="empty-note">No version takes traffic.</div>;
  return (
    <div className="traffic" data-testid="traffic-split">
      <div className="traffic-bar" role="img" aria-label={describeShares(shares)}>
        {shares.map((share, index) => (
          <span
            key={share.version}
            className={`traffic-share traffic-share-${Math.min(index, 2)}`}
            style={{ width: `${share.percent}%` }}
          />
        ))}
      </div>
      <ul className="traffic-legend">
        {shares.map((share, index) => (
          <li key={share.version} data-testid={`traffic-v${share.version}`}>
            <span className={`traffic-swatch traffic-share-${Math.min(index, 2)}`} />v{share.version} · {share.percent}%
            {index > 0 && <span className="tag">canary</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The split in words, e.g. "v2 90%, v3 10%". */
export function describeShares(shares: readonly TrafficShare[]): string {
  return shares.map((share) => `v${share.version} ${share.percent}%`).join(', ');
}
