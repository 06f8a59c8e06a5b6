import type { NodeRegistry } from '@loom/sdk';
import type { ModelServerOptions } from './model-server/model-server-options.ts';
import type { KubernetesEndpointsSource } from './models/kubernetes-deploy.ts';
import type { NodeRegistrySource } from './node-registry-source.ts';

/** How a Loom server is set up; `buildApp` fills in the defaults. */
export interface ServerOptions {
  /**
   * The node types this server lists, compiles against and (without Redis) runs; a source when they
   * can change while it serves (`loom start --dev`).
   */
  registry: NodeRegistry | NodeRegistrySource;
  /** Where all state lives: `loom.db` (SQLite) and the artifact store. @default `LOOM_HOME` or `./.loom` */
  home: string;
  /**
   * Folders that documents may read data from; relative paths resolve against the first.
   * @default `LOOM_DATA_ROOTS` (`:`-separated) or the current directory
   */
  dataRoots: string[];
  /** Interface the server listens on; anything but loopback requires `apiToken`. @default '127.0.0.1' */
  host: string;
  /** Bearer token required on every `/api` request when set. @default `LOOM_API_TOKEN` */
  apiToken?: string;
  /**
   * Host names that requests may address beside loopback names (`localhost`, `*.localhost`) and IP
   * addresses: a name, `.example.com` for a domain and its subdomains, or `*` for any. A request for any
   * other `Host` is refused (a guard against DNS rebinding). A server listening on anything but
   * loopback also answers to its own `host` and to the machine's host name.
   * @default `LOOM_ALLOWED_HOSTS` (comma-separated), or none
   */
  allowedHosts?: string[];
  /**
   * Origins (`https://dashboard.example.com`) whose pages may call the API beside the server's own; they
   * get CORS answers too. Requests from any other page are refused.
   * @default `LOOM_ALLOWED_ORIGINS` (comma-separated), or none
   */
  allowedOrigins?: string[];
  /** BullMQ on this Redis when set; steps run on this machine otherwise (see `stepRunner`). @default `REDIS_URL` */
  redisUrl?: string;
  /** Prefix of every Redis key and queue, so several Loom installations can share one Redis. @default 'loom' */
  queuePrefix?: string;
  /** Largest request body accepted, in bytes. @default 10 MiB */
  bodyLimit?: number;
  /** Steps run at once on this machine (no Redis). @default os.availableParallelism() */
  inlineConcurrency?: number;
  /**
   * Without Redis, run each step in a step-runner process of its own that loads its nodes from this
   * module (see `StepRunnerPool`), so node code that crashes, leaks or hangs fails only its step. Without
   * it steps run inside the server process (tests with in-memory registries).
   */
  stepRunner?: {
    /** A module exporting `createRegistry(options)`, as `StepRunnerPoolOptions.registryModule`. */
    registryModule: string;
    registryOptions?: unknown;
  };
  /**
   * The model server's address as clients reach it (`https://models.example.com`): deployed endpoints are
   * `<modelServerUrl>/v2/models/<model>`. @default `LOOM_MODEL_SERVER_URL`, or this server's own address
   */
  modelServerUrl?: string;
  /**
   * The cluster that `deploy.endpoint` with `target: kubernetes` deploys to, asked for at each such
   * deploy (and each alias rollback, to re-apply an endpoint that is on it); it throws saying what
   * configuration is missing, which refuses the deploy.
   * @default `kubernetesEndpointsFromEnv(process.env)`: `LOOM_KUBERNETES_ENDPOINT_*` and the kubeconfig
   */
  kubernetesEndpoints?: KubernetesEndpointsSource;
  /** Fastify's (pino) logger setting. @default false */
  logger?: boolean | { level: string };
  /**
   * The built designer (`index.html` and `assets/`), served at `/`. Without an `index.html` there, `/`
   * answers 503 with how to build it, and the API works as ever.
   * @default `LOOM_DESIGNER_DIR`, or this repository's `apps/designer/dist`
   */
  designerDir?: string;
  /**
   * The bundled examples (one folder per example, each with a `pipeline.loom.json` and its data), offered
   * by `GET /api/examples` and readable by runs as if it were a data folder. Unset: no examples.
   * @default in `resolveServerOptions`: `LOOM_EXAMPLES_DIR`, or this repository's `examples/`
   */
  examplesDir?: string;
  /**
   * The model server on the same port (`/v2`, the Open Inference Protocol), serving the registry's
   * endpoints; false: none (`loom serve` can serve them in a process of its own).
   * @default on, with the defaults of {@link ModelServerOptions}; `LOOM_MODEL_SERVER=off` turns it off
   */
  modelServer?: false | ModelServerOptions;
  /**
   * Endpoint monitors: how often due windows are looked for, and how long after a window ends it is
   * read; false: no monitor runs in this process (the API still edits them).
   * @default on: `{ tickMs: 15_000, graceMs: 5_000 }`; `LOOM_MONITORS=off` turns it off
   */
  monitors?: false | { tickMs?: number; graceMs?: number };
  /**
   * URL prefixes alert webhooks may be sent to (`LOOM_WEBHOOK_ALLOW`, comma-separated), e.g.
   * `https://hooks.slack.com/`. None by default: a monitor cannot make the server call anywhere its
   * operator did not choose.
   */
  webhookAllow?: string[];
  /** How schedules tick; the defaults suit a server, tests shorten them. */
  triggers?: TriggerSettings;
}

export interface TriggerSettings {
  /**
   * How late a schedule's tick may still run (a server that was down comes back within this of it);
   * older ticks are reported as missed, not run. @default 60_000
   */
  graceMs?: number;
  /** Without Redis: the longest the scheduler goes without reading the store for changes another process made. @default 30_000 */
  pollMs?: number;
}
