import type { Endpoint } from '@loom/sdk';
import './previews.css';

export interface EndpointViewProps {
  endpoint: Endpoint;
  /** Opens Models and endpoints on the endpoint's model. */
  onOpen(model: string): void;
  /** Copies the infer address (and says whether the browser let it). */
  onCopy(text: string): void;
}

/** Whether a port's JSON value is an endpoint as `deploy.endpoint` gives it. */
export function isEndpoint(value: unknown): value is Endpoint {
  if (value === null || typeof value !== 'object') return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields.url === 'string' &&
    typeof fields.model === 'string' &&
    typeof fields.alias === 'string' &&
    Number.isInteger(fields.version)
  );
}

/** Where a deployed endpoint takes requests: the Open Inference Protocol's infer route under its address. */
export function inferAddress(endpoint: Endpoint): string {
  return `${endpoint.url.replace(/\/+$/, '')}/infer`;
}

/**
 * What a `deploy.endpoint` step deployed: the model, version and alias, the address to send requests to
 * (copyable), and a way into Models and endpoints, where the endpoint can be tried and rolled back.
 *
 * Test ids: `endpoint-preview`, `endpoint-model`, `endpoint-version`, `endpoint-alias`, `endpoint-address`,
 * `endpoint-copy`, `endpoint-open`.
 *
 * @example
 * <EndpointView endpoint={value} onOpen={(model) => openEndpoints(model)} onCopy={copyText} />
 */
export function EndpointView({ endpoint, onOpen, onCopy }: EndpointViewProps) {
  const address = inferAddress(endpoint);
  return (
    <div className="endpoint-preview" data-testid="endpoint-preview">
      <p className="endpoint-preview-line">
        <strong data-testid="endpoint-model">{endpoint.model}</strong>{' '}
        <span className="endpoint-preview-version" data-testid="endpoint-version">
          v{endpoint.version}
        </span>{' '}
        serves{' '}
        <span className="endpoint-preview-alias" data-testid="endpoint-alias">
          {endpoint.alias}
        </span>
      </p>
      <div className="endpoint-preview-address">
        <span className="endpoint-preview-method">POST</span>
        <code data-testid="endpoint-address">{address}</code>
        <button
          type="button"
          className="button small"
          data-testid="endpoint-copy"
          title="Copy the address"
          onClick={() => onCopy(address)}
        >
          Copy
        </button>
      </div>
      <button type="button" className="button small" data-testid="endpoint-open" onClick={() => onOpen(endpoint.model)}>
        Try it in Models and endpoints…
      </button>
    </div>
  );
}
