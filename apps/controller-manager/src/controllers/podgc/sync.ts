// One PodGC pass (upstream pkg/controller/podgc/gc_controller.go gc()):
//   1. terminated pods (phase Succeeded/Failed) beyond the threshold: evicted ones first, then the
//      oldest (ties by name);
//   2. terminating pods on a node that is out of service (taint node.kubernetes.io/out-of-service)
//      and not Ready;
//   3. orphans: pods bound to a node missing from the cache for a whole quarantine period, and
//      missing from the API too when asked at the end of it (DisruptionTarget DeletionByPodGC);
//   4. terminating pods that were never scheduled.
import type { Clock, Lister } from '@k8ts/client';
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { PodGCPort } from './port.ts';

export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

export interface PodGCOptions {
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  clock: Clock;
  port: PodGCPort;
  /** 0 turns terminated-pod collection off, as upstream. */
  terminatedPodThreshold: number;
  /** How long a node must stay unknown before its pods count as orphans (upstream 40 s). */
  quarantineMs: number;
}

const isTerminated = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isEvicted = (p: Pod) => p.status?.phase === 'Failed' && p.status.reason === 'Evicted';
const created = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

function evictedThenOldest(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

const outOfService = (node: Node) =>
  (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT) &&
  !(node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export class PodGC {
  /** Nodes pods point at that the cache does not have, and since when (ms). */
  readonly #quarantine = new Map<string, number>();

  constructor(private readonly o: PodGCOptions) {}

  /** One pass; every deletion is attempted, and the failures are returned. */
  async gc(): Promise<Error[]> {
    const pods = this.o.pods.list();
    const nodes = new Map(this.o.nodes.list().map((n) => [n.metadata?.name ?? '', n]));
    const errors: Error[] = [];
    const del = async (victims: readonly Pod[], condition?: PodCondition) => {
      const results = await Promise.allSettled(victims.map((p) => this.o.port.markFailedAndDelete(p, condition)));
      for (const r of results) if (r.status === 'rejected') errors.push(r.reason as Error);
    };
    // 1.
    if (this.o.terminatedPodThreshold > 0) {
      const terminated = pods.filter(isTerminated);
      const excess = terminated.length - this.o.terminatedPodThreshold;
      if (excess > 0) await del([...terminated].sort(evictedThenOldest).slice(0, excess));
    }
    // 2.
    await del(pods.filter((p) => {
      const node = p.metadata?.deletionTimestamp && p.spec?.nodeName ? nodes.get(p.spec.nodeName) : undefined;
      return node !== undefined && outOfService(node);
    }));
    // 3.
    const gone = await this.#deletedNodes(pods, nodes);
    await del(pods.filter((p) => gone.has(p.spec?.nodeName ?? '')), this.#condition('DeletionByPodGC', 'PodGC: node no longer exists'));
    // 4.
    await del(pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName));
    return errors;
  }

  async #deletedNodes(pods: readonly Pod[], nodes: ReadonlyMap<string, Node>): Promise<Set<string>> {
    const now = this.o.clock.now().getTime();
    for (const p of pods) {
      const name = p.spec?.nodeName;
      if (name && !nodes.has(name) && !this.#quarantine.has(name)) this.#quarantine.set(name, now);
    }
    const gone = new Set<string>();
    for (const [name, since] of this.#quarantine) {
      if (nodes.has(name)) {
        this.#quarantine.delete(name);
        continue;
      }
      if (now - since < this.o.quarantineMs) continue;
      this.#quarantine.delete(name);
      if (!(await this.o.port.nodeExists(name))) gone.add(name);
    }
    return gone;
  }

  #condition(reason: string, message: string): PodCondition {
    return { type: 'DisruptionTarget', status: 'True', reason, message, lastTransitionTime: this.o.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
}
