import { CANVAS_COLORS, tint } from './node-colors.ts';
import type { OverviewScene } from './overview-scene.ts';

export type Transform = readonly [x: number, y: number, zoom: number];

/** React Flow stores a new transform array on every viewport update, moved or not. */
export function sameTransform(a: Transform, b: Transform): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * Paints the pipeline as it looks from far away: straight edges, then each node as a box tinted with
 * its category's colour under a top strip of its status (or category) colour, outlined when selected
 * or in trouble. Only filled rectangles for nodes (a stroke per node costs several times as much), one
 * path or fill style per colour, nothing outside the view. Returns how many nodes it drew.
 */
export function drawOverview(
  context: CanvasRenderingContext2D,
  scene: OverviewScene,
  [tx, ty, zoom]: Transform,
  size: { width: number; height: number },
  pixelRatio: number,
): number {
  const { canvas } = context;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.setTransform(pixelRatio * zoom, 0, 0, pixelRatio * zoom, pixelRatio * tx, pixelRatio * ty);
  const pixel = 1 / zoom;
  const viewLeft = -tx / zoom;
  const viewTop = -ty / zoom;
  const viewRight = viewLeft + size.width / zoom;
  const viewBottom = viewTop + size.height / zoom;

  context.lineWidth = pixel;
  for (const [color, segments] of scene.edges) {
    context.beginPath();
    for (let i = 0; i < segments.length; i += 4) {
      const x1 = segments[i] as number;
      const y1 = segments[i + 1] as number;
      const x2 = segments[i + 2] as number;
      const y2 = segments[i + 3] as number;
      if (Math.max(x1, x2) < viewLeft || Math.min(x1, x2) > viewRight) continue;
      if (Math.max(y1, y2) < viewTop || Math.min(y1, y2) > viewBottom) continue;
      context.moveTo(x1, y1);
      context.lineTo(x2, y2);
    }
    context.strokeStyle = color;
    context.stroke();
  }

  const { boxes } = scene;
  const visible = new Uint8Array(scene.ids.length);
  let drawn = 0;
  for (let i = 0; i < scene.ids.length; i++) {
    const x = boxes[i * 4] as number;
    const y = boxes[i * 4 + 1] as number;
    if (x > viewRight || y > viewBottom || x + (boxes[i * 4 + 2] as number) < viewLeft) continue;
    if (y + (boxes[i * 4 + 3] as number) < viewTop) continue;
    visible[i] = 1;
    drawn++;
  }
  for (const [color, members] of scene.categories) {
    context.fillStyle = tint(color);
    for (const i of members) {
      if (visible[i] === 1)
        context.fillRect(
          boxes[i * 4] as number,
          boxes[i * 4 + 1] as number,
          boxes[i * 4 + 2] as number,
          boxes[i * 4 + 3] as number,
        );
    }
  }

  // The strip is the node's 3 px top border, but never thinner than 2 screen pixels.
  const strip = Math.max(3, 2 * pixel);
  for (const [color, members] of scene.strips) {
    context.fillStyle = color;
    for (const i of members) {
      if (visible[i] === 1)
        context.fillRect(boxes[i * 4] as number, boxes[i * 4 + 1] as number, boxes[i * 4 + 2] as number, strip);
    }
  }
  outline(context, scene, scene.problems, visible, CANVAS_COLORS.danger, 2 * pixel);
  outline(context, scene, scene.selected, visible, CANVAS_COLORS.accent, 2 * pixel);
  return drawn;
}

function outline(
  context: CanvasRenderingContext2D,
  scene: OverviewScene,
  members: readonly number[],
  visible: Uint8Array,
  color: string,
  width: number,
): void {
  if (members.length === 0) return;
  const { boxes } = scene;
  context.beginPath();
  for (const i of members) {
    if (visible[i] === 1)
      context.rect(
        boxes[i * 4] as number,
        boxes[i * 4 + 1] as number,
        boxes[i * 4 + 2] as number,
        boxes[i * 4 + 3] as number,
      );
  }
  context.strokeStyle = color;
  context.lineWidth = width;
  context.stroke();
}
