import { AuthorizationV1Api, BatchV1Api, CoreV1Api, type V1Job, Watch } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubernetesTestServer, startKubernetesTestServer } from './kubernetes-test-server.ts';
import { eventually, jobManifest, kubeConfigFor, statusBody } from './test-support.ts';

let cluster: KubernetesTestServer;
beforeEach(async () => {
  cluster = await startKubernetesTestServer({
    kubelet: () => ({ kind: 'succeed', afterMs: 20, log: ['done'] }),
    watchHistoryLimit: 20,
  });
});
afterEach(() => cluster.close());

const batch = () => kubeConfigFor(cluster.kubeconfig).makeApiClient(BatchV1Api);

describe('Kubernetes test server: Jobs through client-node', () => {
  it('creates, gets, lists and deletes a Job with the real status codes and server metadata', async () => {
    const created = await batch().createNamespacedJob({ namespace: 'default', body: jobManifest('train', ['true']) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(created.metadata?.uid);
    expect(created.spec?.template.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');
    const got = await batch().readNamespacedJob({ namespace: 'default', name: 'train' });
    expect(got.metadata?.name).toBe('train');
    const listed = await batch().listNamespacedJob({
      namespace: 'default',
      labelSelector: 'app=loom,step in (train, other),!missing',
    });
    expect(listed.items.map((job) => job.metadata?.name)).toEqual(['train']);
    expect(listed.metadata?.resourceVersion).toMatch(/^\d+$/);
    const none = await batch().listNamespacedJob({ namespace: 'default', labelSelector: 'app!=loom' });
    expect(none.items).toEqual([]);
    const byName = await batch().listNamespacedJob({ namespace: 'default', fieldSelector: 'metadata.name=train' });
    expect(byName.items).toHaveLength(1);
    const done = await eventually(async () => {
      const job = await batch().readNamespacedJob({ namespace: 'default', name: 'train' });
      return job.status?.conditions?.find((condition) => condition.type === 'Complete') ? job : undefined;
    });
    expect(done.status?.succeeded).toBe(1);
    expect(done.status?.completionTime).toBeDefined();
    expect(done.status?.conditions?.map((condition) => condition.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    const status = await batch().deleteNamespacedJob({
      namespace: 'default',
      name: 'train',
      propagationPolicy: 'Background',
    });
    expect(status.status).toBe('Success');
    const missing = await batch()
      .readNamespacedJob({ namespace: 'default', name: 'train' })
      .catch((error: unknown) => error);
    expect((missing as { code: number }).code).toBe(404);
    expect(statusBody(missing)).toMatchObject({
      reason: 'NotFound',
      message: 'jobs.batch "train" not found',
      code: 404,
    });
    await eventually(() => (cluster.objects('Pod').length === 0 ? true : undefined));
  });

  it('answers 422 naming the field for a schema-invalid Job, and for a bad name', async () => {
    const body = jobManifest('bad', ['true']);
    const container = body.spec?.template.spec?.containers[0];
    if (container !== undefined) delete (container as { name?: string }).name;
    (body.spec as { backoffLimit: unknown }).backoffLimit = 'x';
    const error = await batch()
      .createNamespacedJob({ namespace: 'default', body })
      .catch((caught: unknown) => caught);
    expect((error as { code: number }).code).toBe(422);
    const status = statusBody(error);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toMatch(/^Job\.batch "bad" is invalid: /);
    expect(status.details?.causes?.map((cause) => cause.field)).toEqual(
      expect.arrayContaining(['spec.backoffLimit', 'spec.template.spec.containers[0].name']),
    );
    const badName = await batch()
      .createNamespacedJob({ namespace: 'default', body: jobManifest('Bad_Name', ['true']) })
      .catch((caught: unknown) => caught);
    expect(statusBody(badName).details?.causes?.[0]?.field).toBe('metadata.name');
    expect(cluster.objects('Job')).toEqual([]);
  });

  it('answers 409 AlreadyExists for a duplicate', async () => {
    await batch().createNamespacedJob({ namespace: 'default', body: jobManifest('twice', ['true']) });
    const error = await batch()
      .createNamespacedJob({ namespace: 'default', body: jobManifest('twice', ['true']) })
      .catch((caught: unknown) => caught);
    expect(statusBody(error)).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'jobs.batch "twice" already exists',
    });
  });

  it('replays watch events after a resourceVersion and answers 410 Expired for one older than the history', async () => {
    const listed = await batch().listNamespacedJob({ namespace: 'default' });
    const since = listed.metadata?.resourceVersion ?? '';
    await batch().createNamespacedJob({ namespace: 'default', body: jobManifest('watched', ['true']) });
    const events: { type: string; name?: string }[] = [];
    const watch = new Watch(kubeConfigFor(cluster.kubeconfig));
    const controller = await watch.watch(
      '/apis/batch/v1/namespaces/default/jobs',
      { resourceVersion: since, allowWatchBookmarks: true },
      (type, object: V1Job) => events.push({ type, ...(object.metadata?.name ? { name: object.metadata.name } : {}) }),
      () => {},
    );
    await eventually(() => (events.some((event) => event.type === 'MODIFIED') ? true : undefined));
    expect(events[0]).toEqual({ type: 'ADDED', name: 'watched' });
    controller.abort();

    for (let index = 0; index < 10; index += 1) {
      await batch().createNamespacedJob({ namespace: 'default', body: jobManifest(`filler-${index}`, ['true']) });
    }
    await eventually(() => (cluster.objects('Job').length === 11 ? true : undefined));
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      void watch.watch(
        '/apis/batch/v1/namespaces/default/jobs',
        { resourceVersion: '1' },
        (type, object) => {
          if (type === 'ERROR') errors.push(object);
        },
        () => resolve(),
      );
    });
    expect(errors[0]).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect((errors[0] as { message: string }).message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('answers 403 for denied requests and SelfSubjectAccessReviews agree', async () => {
    cluster.deny({ verb: 'create', resource: 'jobs', namespace: 'default' });
    const error = await batch()
      .createNamespacedJob({ namespace: 'default', body: jobManifest('nope', ['true']) })
      .catch((caught: unknown) => caught);
    expect(statusBody(error)).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'jobs.batch is forbidden: User "loom-test" cannot create resource "jobs" in API group "batch" in the namespace "default"',
    });
    const authorization = kubeConfigFor(cluster.kubeconfig).makeApiClient(AuthorizationV1Api);
    const review = (verb: string) =>
      authorization.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace: 'default', verb, group: 'batch', resource: 'jobs' } } },
      });
    expect((await review('create')).status?.allowed).toBe(false);
    expect((await review('list')).status?.allowed).toBe(true);
  });

  it('answers 401 without the right token', async () => {
    const wrong = cluster.kubeconfig.replace(cluster.token, 'wrong-token');
    const error = await kubeConfigFor(wrong)
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'default' })
      .catch((caught: unknown) => caught);
    expect((error as { code: number }).code).toBe(401);
    expect(cluster.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/api/v1/namespaces/default/pods',
      status: 401,
    });
  });
});
