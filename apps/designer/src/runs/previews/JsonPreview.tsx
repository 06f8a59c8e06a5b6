import { useState } from 'react';
import { type JsonToken, jsonTokens, summarizeJson } from './json-tokens.ts';
import './previews.css';

export interface JsonPreviewProps {
  /** Any JSON value. */
  value: unknown;
  /**
   * Top-level entries whose pretty-printed form is longer than this many lines start collapsed.
   * @default 20
   */
  collapseAbove?: number | undefined;
}

/** Pretty-printed JSON, coloured by token. */
function JsonText({ text }: { text: string }) {
  const tokens: JsonToken[] = jsonTokens(text);
  return (
    <>
      {tokens.map((token, index) =>
        token.kind === 'space' || token.kind === 'punctuation' ? (
          token.text
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: tokens are a fixed sequence; their position is their identity
          <span key={index} className={`json-${token.kind}`}>
            {token.text}
          </span>
        ),
      )}
    </>
  );
}

/**
 * A JSON value, pretty-printed, with each top-level entry collapsible (large ones start collapsed) and
 * buttons to expand or collapse them all.
 *
 * Test ids: `json-preview`, `json-entry-<key>` (each top-level entry's toggle).
 *
 * @example
 * <JsonPreview value={{ accuracy: 0.97, classes: ['setosa', 'virginica'] }} />
 */
export function JsonPreview({ value, collapseAbove = 20 }: JsonPreviewProps) {
  const [open, setOpen] = useState<ReadonlyMap<string, boolean>>(new Map());
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> =
    value !== null && typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : [];

  if (entries.length === 0) {
    return (
      <div className="json-preview" data-testid="json-preview">
        <pre className="preview-code">
          <JsonText text={JSON.stringify(value, null, 2) ?? String(value)} />
        </pre>
      </div>
    );
  }

  const texts = entries.map(([, entry]) => JSON.stringify(entry, null, 2) ?? 'null');
  const expandable = texts.map((text, index) => {
    const entry = entries[index]?.[1];
    return entry !== null && typeof entry === 'object' && text.includes('\n');
  });
  const isOpen = (key: string, index: number) =>
    open.get(key) ?? (texts[index] ?? '').split('\n').length <= collapseAbove;
  const setAll = (to: boolean) => setOpen(new Map(entries.map(([key]) => [key, to])));

  return (
    <div className="json-preview" data-testid="json-preview">
      {expandable.some(Boolean) && (
        <div className="preview-toolbar">
          <button type="button" className="preview-button" onClick={() => setAll(true)}>
            Expand all
          </button>
          <button type="button" className="preview-button" onClick={() => setAll(false)}>
            Collapse all
          </button>
        </div>
      )}
      <div className="preview-code">
        <div>{isArray ? '[' : '{'}</div>
        {entries.map(([key, entry], index) => {
          const last = index === entries.length - 1 ? '' : ',';
          const label = isArray ? '' : `${JSON.stringify(key)}: `;
          const text = texts[index] ?? 'null';
          const expanded = isOpen(key, index);
          return (
            <div className="json-entry" key={key}>
              {expandable[index] ? (
                <button
                  type="button"
                  className="json-toggle"
                  aria-expanded={expanded}
                  aria-label={`${expanded ? 'Collapse' : 'Expand'} ${isArray ? `item ${key}` : key}`}
                  onClick={() => setOpen(new Map(open).set(key, !expanded))}
                  data-testid={`json-entry-${key}`}
                >
                  <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
                </button>
              ) : (
                <span className="json-toggle-space" />
              )}
              <pre>
                {label !== '' && <span className="json-key">{JSON.stringify(key)}</span>}
                {label !== '' && ': '}
                {expanded || !expandable[index] ? (
                  <JsonText text={text} />
                ) : (
                  <span className="json-summary">{summarizeJson(entry)}</span>
                )}
                {last}
              </pre>
            </div>
          );
        })}
        <div>{isArray ? ']' : '}'}</div>
      </div>
    </div>
  );
}
