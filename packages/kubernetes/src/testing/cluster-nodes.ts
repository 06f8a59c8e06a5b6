/**
 * The test cluster's nodes: what a test declares (`TestNode`) and the Node objects the API serves.
 */
import type { INode } from 'kubernetes-models/v1';

/** A node of the test cluster. */
export interface TestNode {
  name: string;
  /** Allocatable cpu, as a quantity. @default '4' */
  cpu?: string;
  /** Allocatable memory, as a quantity. @default '8Gi' */
  memory?: string;
  /** Allocatable `nvidia.com/gpu`. @default 0 */
  gpus?: number;
  labels?: Record<string, string>;
}

export const DEFAULT_NODES: readonly TestNode[] = [{ name: 'node-1', cpu: '4', memory: '8Gi' }];

export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/** The Node object for a test node; its index gives it a stable internal IP. */
export function nodeObject(node: TestNode, index: number): INode {
  const allocatable: Record<string, string> = {
    cpu: node.cpu ?? '4',
    memory: node.memory ?? '8Gi',
    pods: '110',
    ...(node.gpus === undefined || node.gpus === 0 ? {} : { 'nvidia.com/gpu': String(node.gpus) }),
  };
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...node.labels,
      },
    },
    spec: {},
    status: {
      capacity: allocatable,
      allocatable,
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${index + 10}` },
        { type: 'Hostname', address: node.name },
      ],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'loom-test://1.0.0',
        kernelVersion: '',
        kubeProxyVersion: 'v1.32.0-loom-test',
        kubeletVersion: 'v1.32.0-loom-test',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Loom test kubelet',
        systemUUID: '',
      },
    },
  };
}

export function isNodeReady(node: INode): boolean {
  return node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status === 'True';
}

export function nodeIP(node: INode): string {
  return node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '10.0.0.1';
}
