import { formatCount } from './chart-scales.ts';
import './previews.css';

export interface TextPreviewProps {
  /** The text, or its beginning when `truncated`. */
  text: string;
  /** Whether the file goes on beyond `text`. */
  truncated: boolean;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} bytes`;
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A text artifact in a monospaced, scrollable block, with a note when only its beginning is shown.
 *
 * Test ids: `text-preview`, `text-preview-truncated` (the note).
 *
 * @example
 * <TextPreview text={preview.text} truncated={preview.truncated} />
 */
export function TextPreview({ text, truncated }: TextPreviewProps) {
  const lines = text === '' ? 0 : text.split('\n').length;
  return (
    <div className="text-preview" data-testid="text-preview">
      {text === '' ? <p className="preview-empty">Empty file</p> : <pre className="preview-code">{text}</pre>}
      {truncated && (
        <p className="preview-note" data-testid="text-preview-truncated">
          Truncated: showing the first {formatSize(new TextEncoder().encode(text).length)} ({formatCount(lines)} lines)
          of a longer file.
        </p>
      )}
    </div>
  );
}
