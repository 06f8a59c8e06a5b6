/** A model's open alerts as a small red count; nothing when it has none. */
export function OpenAlertsBadge({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <span
      className="alert-count"
      title={`${count} open alert${count === 1 ? '' : 's'}`}
      data-testid="model-alert-badge"
    >
      {count}
    </span>
  );
}
