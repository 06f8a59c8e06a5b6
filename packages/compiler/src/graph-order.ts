/** `successors[v]`: the vertices `v` has edges to; a missing entry means none. */
export type Successors = ReadonlyArray<readonly number[] | undefined>;

/**
 * Topological order of `count` vertices given as `successors[v]` (indices). Ties follow vertex order,
 * so the same graph always gives the same order. Returns the order, or the strongly connected
 * components that keep it from existing (each a cycle or a knot of cycles), in vertex order.
 */
export function topologicalOrder(
  count: number,
  successors: Successors,
): { ok: true; order: number[] } | { ok: false; cycles: number[][] } {
  const indegree = new Int32Array(count);
  for (const next of successors) if (next !== undefined) for (const v of next) indegree[v] = (indegree[v] ?? 0) + 1;
  const order: number[] = [];
  for (let v = 0; v < count; v++) if (indegree[v] === 0) order.push(v);
  // `order` doubles as the queue: vertices are appended when their last predecessor is placed.
  for (let head = 0; head < order.length; head++) {
    for (const next of successors[order[head] as number] ?? []) {
      const remaining = (indegree[next] as number) - 1;
      indegree[next] = remaining;
      if (remaining === 0) order.push(next);
    }
  }
  if (order.length === count) return { ok: true, order };
  return { ok: false, cycles: cyclicComponents(count, successors) };
}

/** Tarjan's algorithm, iterative (deep pipelines must not overflow the stack); keeps only cyclic components. */
function cyclicComponents(count: number, successors: Successors): number[][] {
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let nextIndex = 0;

  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const frames: Array<{ v: number; edge: number }> = [{ v: root, edge: 0 }];
    index[root] = low[root] = nextIndex++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { v: number; edge: number };
      const next = successors[frame.v] ?? [];
      if (frame.edge < next.length) {
        const w = next[frame.edge++] as number;
        if (index[w] === -1) {
          index[w] = low[w] = nextIndex++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, edge: 0 });
        } else if (onStack[w] === 1) {
          low[frame.v] = Math.min(low[frame.v] as number, index[w] as number);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v] as number, low[frame.v] as number);
      if (low[frame.v] === index[frame.v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          component.push(w);
        } while (w !== frame.v);
        const selfLoop = component.length === 1 && (successors[frame.v] ?? []).includes(frame.v);
        if (component.length > 1 || selfLoop) components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components.sort((a, b) => (a[0] as number) - (b[0] as number));
}

/**
 * Orders a cyclic component along its edges when it is one simple cycle (each member has exactly one
 * successor inside it), starting at its first vertex; otherwise returns undefined.
 */
export function simpleCycleOrder(component: readonly number[], successors: Successors): number[] | undefined {
  const members = new Set(component);
  const path: number[] = [];
  let v = component[0] as number;
  for (let i = 0; i < component.length; i++) {
    path.push(v);
    const inside = (successors[v] ?? []).filter((w) => members.has(w));
    if (new Set(inside).size !== 1) return undefined;
    v = inside[0] as number;
  }
  return v === component[0] && new Set(path).size === component.length ? path : undefined;
}
