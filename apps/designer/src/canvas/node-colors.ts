import type { StepStatus } from './status-labels.ts';

/*
 * Colours the overview layer and the minimap paint with. A 2D canvas cannot use CSS classes, so these
 * repeat the values of theme.css and the category and status rules of styles.css.
 */

const CATEGORY_COLORS: Readonly<Record<string, string>> = {
  data: '#0ea5e9',
  transform: '#8b5cf6',
  train: '#f59e0b',
  export: '#10b981',
  validate: '#ef4444',
  evaluate: '#ec4899',
  explain: '#14b8a6',
  deploy: '#6366f1',
  monitor: '#84cc16',
};

/** The statuses that colour a node's top border on the canvas; the others leave it as it is. */
const STATUS_COLORS: Partial<Record<StepStatus, string>> = {
  running: '#1570ef',
  succeeded: '#079455',
  cached: '#7a5af8',
  failed: '#d92d20',
  queued: '#dc6803',
};

export const CANVAS_COLORS = {
  accent: '#4f46e5',
  danger: '#d92d20',
  unknown: '#94a3b8',
} as const;

export function categoryColor(category: string | undefined): string {
  return (category === undefined ? undefined : CATEGORY_COLORS[category]) ?? CANVAS_COLORS.unknown;
}

const tints = new Map<string, string>();

/** A `#rrggbb` colour mixed with white: what fills a node on the overview layer. */
export function tint(color: string, white = 0.7): string {
  let tinted = tints.get(color);
  if (tinted === undefined) {
    const channel = (at: number) =>
      Math.round(Number.parseInt(color.slice(at, at + 2), 16) * (1 - white) + 255 * white);
    tinted = `rgb(${channel(1)}, ${channel(3)}, ${channel(5)})`;
    tints.set(color, tinted);
  }
  return tinted;
}

export function statusColor(status: StepStatus | undefined): string | undefined {
  return status === undefined ? undefined : STATUS_COLORS[status];
}
