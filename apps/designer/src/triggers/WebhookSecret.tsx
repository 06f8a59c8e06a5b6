import { signingExample } from './webhook-example.ts';

/**
 * A webhook's address and secret, shown once after it is created or its secret rotated: the server
 * never answers the secret again, so this is the moment to copy it (into GitHub's webhook settings,
 * say: content type `application/json`, the secret as it is).
 */
export function WebhookSecret({
  name,
  url,
  secret,
  onCopy,
  onDone,
}: {
  name: string;
  url: string;
  secret: string;
  onCopy: (text: string, what: string) => void;
  onDone: () => void;
}) {
  return (
    <section className="webhook-secret" aria-label={`Webhook ${name}`} data-testid="webhook-secret">
      <p>
        <strong>{name}</strong>: copy the secret now, it is not shown again. Senders sign the raw body with it:{' '}
        <code>X-Loom-Signature</code> or GitHub’s <code>X-Hub-Signature-256</code>,{' '}
        <code>sha256=&lt;hex HMAC-SHA256&gt;</code>, content type <code>application/json</code>.
      </p>
      <CopyRow label="URL" value={url} testId="webhook-url" onCopy={() => onCopy(url, 'the webhook URL')} />
      <CopyRow
        label="Secret"
        value={secret}
        testId="webhook-secret-value"
        onCopy={() => onCopy(secret, 'the secret')}
      />
      <details>
        <summary>Try it with curl</summary>
        <pre className="webhook-example">{signingExample(url)}</pre>
      </details>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={onDone} data-testid="webhook-secret-done">
          I have copied it
        </button>
      </div>
    </section>
  );
}

function CopyRow({
  label,
  value,
  testId,
  onCopy,
}: {
  label: string;
  value: string;
  testId: string;
  onCopy: () => void;
}) {
  return (
    <div className="copy-row">
      <span className="field-label">{label}</span>
      <code data-testid={testId}>{value}</code>
      <button type="button" className="button small" onClick={onCopy}>
        Copy
      </button>
    </div>
  );
}
