// PodGC's writes (upstream markFailedAndDeletePodWithCondition): a pod not yet terminal is first
// marked Failed — with the DisruptionTarget condition when one is given — then deleted with grace 0,
// since no kubelet is left to finish a graceful deletion.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';

const NODES = resourceFor('', 'v1', 'nodes')!;
const PODS = resourceFor('', 'v1', 'pods')!;

export interface PodGCPort {
  /** Asks the API, not a cache: the node may exist and the informer lag. */
  nodeExists(name: string): Promise<boolean>;
  markFailedAndDelete(pod: Pod, condition?: PodCondition): Promise<void>;
}

const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const ignoreNotFound = (err: unknown) => {
  if (!(err instanceof ApiError && err.code === 404)) throw err;
};

export class ApiPodGCPort implements PodGCPort {
  constructor(private readonly client: Client) {}

  async nodeExists(name: string): Promise<boolean> {
    try {
      await this.client.get(NODES, name);
      return true;
    } catch (err) {
      ignoreNotFound(err);
      return false;
    }
  }

  async markFailedAndDelete(pod: Pod, condition?: PodCondition): Promise<void> {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      if (!terminal(pod)) {
        const status = { phase: 'Failed', ...(condition ? { conditions: [condition] } : {}) };
        await this.client.patch(PODS, name, { metadata: { uid: pod.metadata?.uid }, status }, 'strategic', { namespace, subresource: 'status' });
      }
      await this.client.delete(PODS, name, { namespace, gracePeriodSeconds: 0 });
    } catch (err) {
      ignoreNotFound(err);
    }
  }
}

export class FakePodGCPort implements PodGCPort {
  readonly nodes = new Set<string>();
  readonly nodeChecks: string[] = [];
  readonly deleted: { pod: string; markedFailed: boolean; condition?: string }[] = [];

  async nodeExists(name: string): Promise<boolean> {
    this.nodeChecks.push(name);
    return this.nodes.has(name);
  }

  async markFailedAndDelete(pod: Pod, condition?: PodCondition): Promise<void> {
    this.deleted.push({
      pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, markedFailed: !terminal(pod),
      ...(condition && !terminal(pod) ? { condition: `${condition.type}/${condition.reason}` } : {}),
    });
  }
}
