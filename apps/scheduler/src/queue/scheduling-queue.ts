// The scheduling queue (upstream's PriorityQueue in scheduling_queue.go). Every pending pod is in
// exactly one of:
//   activeQ            — ready to be tried, highest priority first, then earliest arrival;
//   backoffQ           — failed recently, waiting out its backoff (1 s doubling up to 10 s);
//   unschedulablePods  — failed and parked until a cluster event one of its rejecting plugins
//                        registered for, or until 5 min have passed;
// or in flight: popped and being scheduled, in no sub-queue until the cycle gives it back
// (`addUnschedulableIfNotPresent`) and ends (`done`). Updates and deletions that arrive while a
// pod is in flight are remembered, never enqueued, so one pod is never scheduled twice at once.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Clock } from '@k8ts/client';
import { newPodInfo, podPriority, termMatches, type PodInfo } from '../framework/pod-info.ts';
import type { PodNominator } from '../framework/types.ts';
import { EVENTS, PLUGIN_EVENTS, podMatchesEvent, type ClusterEvent } from './events.ts';
import { Heap } from './heap.ts';
import { Nominator } from './nominator.ts';
import { assignedPodUpdateEvents, isPodUpdated } from './pod-changes.ts';
import {
  BACKOFF_FLUSH_INTERVAL_MS,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  QueueClosedError,
  UNSCHEDULABLE_FLUSH_INTERVAL_MS,
  type QueuedPodInfo,
  type QueueOptions,
} from './queued-pod-info.ts';

const uidOf = (pod: Pod): string => pod.metadata?.uid ?? '';
const keyOf = (q: QueuedPodInfo): string => uidOf(q.pod);
const podName = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/** PrioritySort: higher spec.priority first, then whoever entered the queue first. */
const prioritySortLess = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
  const pa = podPriority(a.pod);
  const pb = podPriority(b.pod);
  return pa > pb || (pa === pb && a.timestamp.getTime() < b.timestamp.getTime());
};

function setPod(q: QueuedPodInfo, pod: Pod): void {
  if (q.pod === pod) return;
  q.podInfo = newPodInfo(pod);
  q.pod = pod;
}

export interface PendingCounts {
  active: number;
  backoff: number;
  unschedulable: number;
}

export class SchedulingQueue implements PodNominator {
  readonly #clock: Clock;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxUnschedulableMs: number;
  readonly #pluginEvents: Readonly<Record<string, readonly ClusterEvent[]>>;
  readonly #namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined;

  readonly #active = new Heap<QueuedPodInfo>(keyOf, prioritySortLess);
  readonly #backoff = new Heap<QueuedPodInfo>(keyOf, (a, b) => this.#backoffExpiry(a) < this.#backoffExpiry(b));
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped pods by uid: their latest object (null once deleted), and whether it changed meanwhile. */
  readonly #inFlight = new Map<string, { pod: Pod | null; updated: boolean }>();
  readonly #nominator = new Nominator();
  readonly #waiters = new Set<() => void>();
  #schedulingCycle = 0;
  /** The cycle during which pods were last moved; pods popped at or before it may have missed that move. */
  #moveRequestCycle = -1;
  #closed = false;

  constructor(opts: QueueOptions) {
    this.#clock = opts.clock;
    this.#initialBackoffMs = opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.#maxBackoffMs = opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.#maxUnschedulableMs = opts.podMaxInUnschedulablePodsDurationMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS;
    this.#pluginEvents = opts.pluginEvents ?? PLUGIN_EVENTS;
    this.#namespaceLabels = opts.namespaceLabels ?? (() => undefined);
    if (!(this.#initialBackoffMs > 0)) throw new Error(`podInitialBackoffMs must be > 0, got ${this.#initialBackoffMs}`);
    if (!(this.#maxBackoffMs >= this.#initialBackoffMs))
      throw new Error(`podMaxBackoffMs (${this.#maxBackoffMs}) must be >= podInitialBackoffMs (${this.#initialBackoffMs})`);
    if (!(this.#maxUnschedulableMs > 0)) throw new Error(`podMaxInUnschedulablePodsDurationMs must be > 0`);
  }

  /** A new pending pod (informer Add). */
  add(pod: Pod): void {
    const uid = uidOf(pod);
    const flying = this.#inFlight.get(uid);
    if (flying) {
      this.#inFlight.set(uid, { pod, updated: true });
      return;
    }
    const q = this.#newQueued(pod);
    this.#unschedulable.delete(uid);
    this.#backoff.delete(uid);
    this.#active.addOrUpdate(q);
    this.#nominator.addNominatedPod(q.podInfo);
    this.#broadcast();
  }

  /** A pending pod changed (informer Update). */
  update(oldPod: Pod | undefined, newPod: Pod): void {
    const uid = uidOf(newPod);
    const newInfo = (q: QueuedPodInfo) => {
      setPod(q, newPod);
      this.#nominator.updateNominatedPod(oldPod, q.podInfo);
      return q;
    };
    const flying = this.#inFlight.get(uid);
    if (flying) {
      if (flying.pod === null) return;
      this.#inFlight.set(uid, { pod: newPod, updated: flying.updated || isPodUpdated(flying.pod, newPod) });
      this.#nominator.updateNominatedPod(oldPod, newPodInfo(newPod));
      return;
    }
    for (const heap of [this.#active, this.#backoff]) {
      const q = heap.get(uid);
      if (q) return heap.addOrUpdate(newInfo(q));
    }
    const parked = this.#unschedulable.get(uid);
    if (parked) {
      newInfo(parked);
      if (isPodUpdated(oldPod, newPod)) this.#requeue(parked);
      return;
    }
    const q = this.#newQueued(newPod);
    this.#active.addOrUpdate(q);
    this.#nominator.addNominatedPod(q.podInfo);
    this.#broadcast();
  }

  /** A pending pod is gone (deleted, or bound by someone else). */
  delete(pod: Pod): void {
    const uid = uidOf(pod);
    this.#nominator.deleteNominatedPodIfExists(pod);
    if (this.#inFlight.has(uid)) this.#inFlight.set(uid, { pod: null, updated: false });
    this.#active.delete(uid) || this.#backoff.delete(uid) || this.#unschedulable.delete(uid);
  }

  /** Moves the given pods, if parked or backing off, straight to activeQ. */
  activate(pods: Iterable<Pod>): void {
    let activated = false;
    for (const pod of pods) {
      const uid = uidOf(pod);
      const q = this.#unschedulable.get(uid) ?? this.#backoff.get(uid);
      if (!q || this.#active.has(uid)) continue;
      this.#unschedulable.delete(uid);
      this.#backoff.delete(uid);
      this.#active.addOrUpdate(q);
      activated = true;
    }
    if (activated) this.#broadcast();
  }

  /**
   * The next pod to schedule; waits (without polling) until there is one. Rejects with
   * QueueClosedError once closed, or with the signal's reason when it aborts.
   */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo> {
    for (;;) {
      if (this.#closed) throw new QueueClosedError();
      signal?.throwIfAborted();
      const q = this.#active.pop();
      if (q) {
        q.attempts++;
        q.initialAttemptTimestamp ??= this.#clock.now();
        this.#schedulingCycle++;
        this.#inFlight.set(uidOf(q.pod), { pod: q.pod, updated: false });
        return q;
      }
      await this.#wait(signal);
    }
  }

  /** The pod's scheduling attempt is over (bound, or given back); forgets it as in flight. */
  done(uid: string): void {
    this.#inFlight.delete(uid);
  }

  /** How many pods have been popped; read right after pop to pass to addUnschedulableIfNotPresent. */
  schedulingCycle(): number {
    return this.#schedulingCycle;
  }

  /**
   * Gives back a pod whose attempt failed. It is parked in unschedulablePods, unless a move
   * request came since `podSchedulingCycle` (the event that would have woken it may have passed
   * while it was in flight), the pod itself changed meanwhile, or no plugin rejected it (an
   * error): then it goes to backoffQ. A pod deleted while in flight is dropped.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const uid = keyOf(q);
    if (this.#unschedulable.has(uid)) throw new Error(`Pod ${podName(q.pod)} is already present in unschedulable queue`);
    if (this.#active.has(uid)) throw new Error(`Pod ${podName(q.pod)} is already present in the active queue`);
    if (this.#backoff.has(uid)) throw new Error(`Pod ${podName(q.pod)} is already present in the backoff queue`);
    const flying = this.#inFlight.get(uid);
    if (flying?.pod === null) return;
    if (flying) setPod(q, flying.pod);
    q.timestamp = this.#clock.now();
    const retry = this.#moveRequestCycle >= podSchedulingCycle || flying?.updated === true || q.unschedulablePlugins.size === 0;
    if (retry) this.#backoff.addOrUpdate(q);
    else this.#unschedulable.set(uid, q);
    this.#nominator.addNominatedPod(q.podInfo);
  }

  /**
   * A cluster event happened: parked pods that one of their rejecting plugins registered for it
   * (and that pass `preCheck`) move to backoffQ if still backing off, else to activeQ.
   * `oldObj`/`newObj` are the changed object's versions, for logs; plugins' queueing hints
   * (which would read them) are not implemented.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, _oldObj?: unknown, _newObj?: unknown, preCheck?: (pod: Pod) => boolean): void {
    const candidates = [...this.#unschedulable.values()].filter((q) => !preCheck || preCheck(q.pod));
    this.#movePods(candidates, event);
  }

  /** A pod was bound: parked pods whose required affinity it satisfies may now fit. */
  assignedPodAdded(pod: Pod): void {
    this.#movePods(this.#withAffinityMatching(pod), EVENTS.AssignedPodAdd);
  }

  /** A bound pod changed: a scale-down may free room anywhere; a label change may satisfy affinity. */
  assignedPodUpdated(oldPod: Pod, newPod: Pod): void {
    for (const event of assignedPodUpdateEvents(oldPod, newPod)) {
      if (event === EVENTS.PodScaleDown) this.moveAllToActiveOrBackoffQueue(event, oldPod, newPod);
      else this.#movePods(this.#withAffinityMatching(newPod), event);
    }
  }

  /** Moves backoffQ pods whose backoff has ended to activeQ (run every second). */
  flushBackoffQCompleted(): void {
    const now = this.#clock.now().getTime();
    let activated = false;
    for (let q = this.#backoff.peek(); q && this.#backoffExpiry(q) <= now; q = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#active.addOrUpdate(q);
      activated = true;
    }
    if (activated) this.#broadcast();
  }

  /** Moves pods parked longer than podMaxInUnschedulablePodsDuration back (run every 30 s). */
  flushUnschedulablePodsLeftover(): void {
    const now = this.#clock.now().getTime();
    const stale = [...this.#unschedulable.values()].filter((q) => now - q.timestamp.getTime() > this.#maxUnschedulableMs);
    if (stale.length > 0) this.#movePods(stale, EVENTS.UnschedulableTimeout);
  }

  /** Runs both flushes on their periods until `signal` aborts. */
  run(signal: AbortSignal): void {
    if (signal.aborted) return;
    const clock = this.#clock;
    const every = (ms: number, fn: () => void) => {
      const tick = () => {
        fn();
        handle = clock.setTimeout(tick, ms);
      };
      let handle = clock.setTimeout(tick, ms);
      signal.addEventListener('abort', () => clock.clearTimeout(handle), { once: true });
    };
    every(BACKOFF_FLUSH_INTERVAL_MS, () => this.flushBackoffQCompleted());
    every(UNSCHEDULABLE_FLUSH_INTERVAL_MS, () => this.flushUnschedulablePodsLeftover());
  }

  /** Stops the queue: pending and future pops reject with QueueClosedError. */
  close(): void {
    this.#closed = true;
    this.#broadcast();
  }

  pendingPods(): PendingCounts {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size };
  }

  /** The pending pods per sub-queue, for the debug endpoint. */
  listPending(): { active: Pod[]; backoff: Pod[]; unschedulable: Pod[] } {
    const pods = (qs: Iterable<QueuedPodInfo>) => [...qs].map((q) => q.pod);
    return { active: pods(this.#active.list()), backoff: pods(this.#backoff.list()), unschedulable: pods(this.#unschedulable.values()) };
  }

  addNominatedPod(podInfo: PodInfo, nodeName?: string): void {
    this.#nominator.addNominatedPod(podInfo, nodeName);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    this.#nominator.deleteNominatedPodIfExists(pod);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.#nominator.nominatedPodsForNode(nodeName);
  }

  #newQueued(pod: Pod): QueuedPodInfo {
    return {
      podInfo: newPodInfo(pod),
      pod,
      timestamp: this.#clock.now(),
      attempts: 0,
      initialAttemptTimestamp: undefined,
      unschedulablePlugins: new Set(),
    };
  }

  /** A pod's backoff after `attempts` attempts: the initial one doubled per attempt after the first, capped. */
  backoffDurationMs(attempts: number): number {
    let d = this.#initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.#maxBackoffMs - d) return this.#maxBackoffMs;
      d += d;
    }
    return d;
  }

  #backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp.getTime() + this.backoffDurationMs(q.attempts);
  }

  /** Moves a parked pod to backoffQ if still backing off, else to activeQ. */
  #requeue(q: QueuedPodInfo): void {
    this.#unschedulable.delete(keyOf(q));
    if (this.#backoffExpiry(q) > this.#clock.now().getTime()) return this.#backoff.addOrUpdate(q);
    this.#active.addOrUpdate(q);
    this.#broadcast();
  }

  #movePods(candidates: readonly QueuedPodInfo[], event: ClusterEvent): void {
    for (const q of candidates) if (podMatchesEvent(q.unschedulablePlugins, event, this.#pluginEvents)) this.#requeue(q);
    this.#moveRequestCycle = this.#schedulingCycle;
  }

  #withAffinityMatching(pod: Pod): QueuedPodInfo[] {
    const nsLabels = this.#namespaceLabels(pod.metadata?.namespace ?? 'default');
    return [...this.#unschedulable.values()].filter((q) => q.podInfo.requiredAffinityTerms.some((t) => termMatches(t, pod, nsLabels)));
  }

  #wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(wake);
        reject(signal?.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiting pop; each re-checks activeQ, so a pod is handed to one of them only. */
  #broadcast(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}
