/**
 * The defaults the API server fills in on create, for the fields clients commonly read back (a Job's
 * selector and backoffLimit, a container's terminationMessagePath, a Service's clusterIP, ...).
 */
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { IContainer, IPodSpec, IPodTemplateSpec, IService } from 'kubernetes-models/v1';
import type { KubeObject } from './object-store.ts';

function defaultContainer(container: IContainer): void {
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  const image = container.image ?? '';
  const tagged = /:[^/]+$/.test(image) || image.includes('@');
  container.imagePullPolicy ??= !tagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
  container.resources ??= {};
  const resources = container.resources;
  // Limits stand in for absent requests, as the API's defaulting does.
  if (resources.limits !== undefined) resources.requests = { ...resources.limits, ...resources.requests };
}

function defaultPodSpec(spec: IPodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) defaultContainer(container);
}

function defaultTemplate(template: IPodTemplateSpec | undefined): void {
  if (template?.spec !== undefined) defaultPodSpec(template.spec);
}

/** Fills in server defaults in place; `uid` is the new object's uid (Jobs select their pods by it). */
export function applyDefaults(kind: string, object: KubeObject, uid: string): void {
  if (kind === 'Job') {
    const job = object as IJob;
    const spec = job.spec;
    if (spec === undefined) return;
    spec.backoffLimit ??= 6;
    spec.completions ??= 1;
    spec.parallelism ??= 1;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.manualSelector ??= false;
    spec.podReplacementPolicy ??= 'TerminatingOrFailed';
    spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const name = job.metadata?.name ?? '';
    spec.template.metadata = {
      ...spec.template.metadata,
      labels: {
        ...spec.template.metadata?.labels,
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      },
    };
    defaultTemplate(spec.template);
    return;
  }
  if (kind === 'Deployment') {
    const spec = (object as IDeployment).spec;
    if (spec === undefined) return;
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    defaultTemplate(spec.template);
    return;
  }
  if (kind === 'Service') {
    const service = object as IService;
    service.spec ??= {};
    const spec = service.spec;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.clusterIP === undefined) {
      const bytes = Buffer.from(uid.replaceAll('-', '').slice(0, 4), 'hex');
      spec.clusterIP = `10.96.${bytes[0] ?? 0}.${Math.max(1, bytes[1] ?? 1)}`;
    }
    spec.clusterIPs ??= [spec.clusterIP];
    for (const port of spec.ports ?? []) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }
}
