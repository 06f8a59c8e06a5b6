import type { PipelineNode } from '@loom/graph';
import type { CatalogNode } from '@loom/sdk';

/** Where a node's steps run: the workers of one queue, or a Kubernetes Job per step. */
export type Backend = NonNullable<PipelineNode['backend']>;

/** What these need to know of a node's catalog entry. */
type ResourcesOf = Pick<CatalogNode, 'resources'>;
/** What they need to know of the node: its own backend, if it names one. */
type BackendOf = { backend?: Backend | undefined };

/** Every backend, in the order the inspector offers them. */
export const BACKENDS: readonly Backend[] = ['cpu', 'gpu', 'kubernetes'];

const LABEL: Record<Backend, string> = {
  cpu: 'CPU workers',
  gpu: 'GPU workers',
  kubernetes: 'Kubernetes Job',
};

/** What the canvas badge says: short, as the header has little room. */
const BADGE: Record<Backend, string> = { cpu: 'CPU', gpu: 'GPU', kubernetes: 'k8s' };

const RUNS_ON: Record<Backend, string> = {
  cpu: 'Runs on CPU workers',
  gpu: 'Runs on GPU workers',
  kubernetes: 'Runs as Kubernetes Jobs',
};

const HINT: Record<Backend, string> = {
  cpu: 'Each step runs on a CPU worker',
  gpu: 'Each step runs on a GPU worker',
  kubernetes: 'Each step runs as a Kubernetes Job',
};

/** One choice of the "Runs on" select; `value` '' is the node type's own backend (no `backend` field). */
export interface BackendChoice {
  value: Backend | '';
  label: string;
  /** Why the choice cannot be made; it is then shown disabled. */
  disabledReason?: string;
}

/**
 * The choices of the "Runs on" select for a node of this catalog entry: its type's default first, then
 * every backend. A type that needs a GPU cannot run on CPU workers (the compiler refuses it), so that
 * choice comes disabled with the reason. Without an entry (type not installed) the default is unknown.
 *
 * @example
 * backendChoices({ resources: { cpu: 1, memoryMb: 512, gpu: { count: 0, memoryMb: 0, cpuFallback: false }, backend: 'cpu' } })[0];
 * // { value: '', label: 'Node default (cpu)' }
 */
export function backendChoices(entry: ResourcesOf | undefined): BackendChoice[] {
  const gpu = entry?.resources.gpu.count ?? 0;
  const choices: BackendChoice[] = [
    { value: '', label: entry === undefined ? 'Node default' : `Node default (${entry.resources.backend})` },
  ];
  for (const backend of BACKENDS) {
    if (backend === 'cpu' && gpu > 0)
      choices.push({ value: backend, label: LABEL[backend], disabledReason: `needs ${gpu} GPU` });
    else choices.push({ value: backend, label: LABEL[backend] });
  }
  return choices;
}

/** Where a node's steps run: its own `backend`, else its type's; undefined when neither is known. */
export function effectiveBackend(node: BackendOf, entry: ResourcesOf | undefined): Backend | undefined {
  return node.backend ?? entry?.resources.backend;
}

/**
 * The hint under the "Runs on" select: where the steps run and the worker that takes them from the
 * queue (with a Redis queue; the inline transport of a lone `loom start` runs every step itself).
 *
 * @example
 * backendHint('kubernetes'); // { text: 'Each step runs as a Kubernetes Job', worker: 'loom worker --backend kubernetes' }
 */
export function backendHint(backend: Backend): { text: string; worker: string } {
  return { text: HINT[backend], worker: `loom worker --backend ${backend}` };
}

/**
 * The canvas badge of a node that runs somewhere other than its type's default, with its tooltip;
 * undefined for a node that runs where its type does (also when it names that backend itself).
 *
 * @example
 * backendBadge({ backend: 'kubernetes' }, cpuEntry); // { text: 'k8s', title: "Runs as Kubernetes Jobs (its type's default: cpu)" }
 */
export function backendBadge(
  node: BackendOf,
  entry: ResourcesOf | undefined,
): { text: string; title: string } | undefined {
  const backend = node.backend;
  if (backend === undefined || backend === entry?.resources.backend) return undefined;
  const fallback = entry === undefined ? '' : ` (its type's default: ${entry.resources.backend})`;
  return { text: BADGE[backend], title: `${RUNS_ON[backend]}${fallback}` };
}
