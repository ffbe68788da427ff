// Taint-based eviction (upstream pkg/controller/tainteviction): a pod on a node with NoExecute
// taints it does not tolerate is deleted at once; one that tolerates them all, the shortest
// tolerationSeconds among the tolerations used after the controller first saw it so (a timer per
// pod); one that tolerates them without a time limit stays. A timer is cancelled — with a
// "Cancelling deletion" event — when the taints go or a toleration now allows the pod forever.
// Timers only mark a pod due; the deletion itself runs on a worker (`evictDue`) and is retried.
import type { Clock, Lister, TimerHandle } from '@k8ts/client';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1';
import { POD_NODE_INDEX } from './sync.ts';
import { matchingTolerations, minTolerationMs } from './taints.ts';

export interface EvictionPort {
  /** Adds the DisruptionTarget condition (DeletionByTaintManager) and deletes the pod. */
  evict(pod: Pod, now: Date): Promise<void>;
  podEvent(pod: Pod, reason: string, message: string): void;
}

export interface TaintEvictionOptions {
  /** Must carry POD_NODE_INDEX. */
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  clock: Clock;
  port: EvictionPort;
  /** Told when a pod falls due for deletion; the controller queues `evictDue(key)`. */
  onDue(key: string): void;
}

interface Scheduled {
  startMs: number;
  atMs: number;
  timer: TimerHandle;
}

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

export class TaintEviction {
  readonly #scheduled = new Map<string, Scheduled>();
  readonly #due = new Set<string>();

  constructor(private readonly o: TaintEvictionOptions) {}

  /** When the pod is due for deletion (ms since epoch), if it is scheduled. */
  scheduledAt(key: string): number | undefined {
    return this.#due.has(key) ? this.o.clock.now().getTime() : this.#scheduled.get(key)?.atMs;
  }

  evaluateNode(name: string): void {
    for (const pod of this.o.pods.byIndex(POD_NODE_INDEX, name)) this.evaluatePod(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  evaluatePod(key: string): void {
    const pod = this.o.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata?.deletionTimestamp) return this.#cancel(key, undefined);
    const taints = noExecuteTaints(this.o.nodes.get(nodeName));
    if (taints.length === 0) return this.#cancel(key, pod);
    if (this.#due.has(key)) return;
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    const now = this.o.clock.now().getTime();
    if (!all) {
      this.#cancel(key, pod);
      return this.#markDue(key);
    }
    const minMs = minTolerationMs(used);
    if (minMs === undefined) return this.#cancel(key, pod);
    const current = this.#scheduled.get(key);
    const startMs = current?.startMs ?? now;
    if (current?.atMs === startMs + minMs) return;
    if (current) this.o.clock.clearTimeout(current.timer);
    const atMs = startMs + minMs;
    if (atMs <= now) {
      this.#scheduled.delete(key);
      return this.#markDue(key);
    }
    const timer = this.o.clock.setTimeout(() => {
      this.#scheduled.delete(key);
      this.#markDue(key);
    }, atMs - now);
    this.#scheduled.set(key, { startMs, atMs, timer });
  }

  /** Deletes a pod that fell due, unless its eviction was cancelled meanwhile; throws to be retried. */
  async evictDue(key: string): Promise<void> {
    if (!this.#due.has(key)) return;
    const pod = this.o.pods.get(key);
    if (pod) {
      this.o.port.podEvent(pod, 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
      await this.o.port.evict(pod, this.o.clock.now());
    }
    this.#due.delete(key);
  }

  #markDue(key: string): void {
    this.#due.add(key);
    this.o.onDue(key);
  }

  /** Forgets the pod's eviction; with `pod`, says so in an event if one was pending. */
  #cancel(key: string, pod: Pod | undefined): void {
    const s = this.#scheduled.get(key);
    if (s) this.o.clock.clearTimeout(s.timer);
    const wasScheduled = this.#scheduled.delete(key);
    const wasDue = this.#due.delete(key);
    const had = wasScheduled || wasDue;
    if (had && pod) this.o.port.podEvent(pod, 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }
}
