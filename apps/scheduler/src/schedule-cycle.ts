// One pass of the scheduling loop (upstream's ScheduleOne): pop a pod, decide on the current
// snapshot, assume it onto the chosen node at once (so the next pod sees the node as taken), and
// bind in the background while the next pod is being scheduled. A failure anywhere puts the
// pod back in the queue with the plugins that rejected it, and tells the user why: the
// PodScheduled=False condition and a FailedScheduling event carry upstream's message.
import type { Clock, Lister } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Logger } from 'pino';
import type { SchedulerApi } from './api.ts';
import type { SchedulerCache } from './cache/cache.ts';
import type { ExplainInput } from './framework/explain.ts';
import type { Framework } from './framework/runtime.ts';
import { ERR_NO_NODES_AVAILABLE, fitErrorMessage, nodeToStatusForPostFilter, schedulePod, type NodeRotation } from './framework/schedule-one.ts';
import { reasonsOf } from './framework/status.ts';
import { CycleState } from './framework/types.ts';
import type { AttemptResult, SchedulerMetrics } from './metrics.ts';
import { EVENTS } from './queue/events.ts';
import type { QueuedPodInfo } from './queue/queued-pod-info.ts';
import type { SchedulingQueue } from './queue/scheduling-queue.ts';

export interface EventSink {
  event(obj: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface CycleDeps {
  queue: SchedulingQueue;
  cache: SchedulerCache;
  /** One framework per profile, by schedulerName. */
  frameworks: ReadonlyMap<string, Framework>;
  /** The informer's view of pods, to notice a pod deleted while it was being scheduled. */
  pods: Lister<Pod>;
  api: SchedulerApi;
  events: EventSink;
  metrics: SchedulerMetrics;
  clock: Clock;
  random: () => number;
  log: Logger;
  percentageOfNodesToScore: number;
  rotation: NodeRotation;
  /**
   * Receives every cycle's outcome. Explanations are built from it only when someone asks, on
   * the snapshot of that moment: building one per cycle would cost O(nodes) for every pod.
   */
  record(e: Omit<ExplainInput, 'snapshot'>): void;
  bindings: BindingsInFlight;
}

/**
 * The binding cycles running in the background. The loop takes the next pod only while fewer
 * than `limit` run, so that when the API server binds more slowly than pods are scheduled, the
 * pods wait in the queue, in priority order and still pending, instead of piling up as assumed
 * pods with requests queued behind the client's connections.
 */
export class BindingsInFlight {
  #running = 0;
  #waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  get running(): number {
    return this.#running;
  }

  started(): void {
    this.#running++;
  }

  ended(): void {
    this.#running--;
    this.#waiting.shift()?.();
  }

  /** Resolves once fewer than `limit` bindings run (at once if they already do), or on abort. */
  async room(signal: AbortSignal): Promise<void> {
    while (this.#running >= this.limit && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiting.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }
}

const keyOf = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
const profileOf = (pod: Pod) => pod.spec?.schedulerName || 'default-scheduler';

/** Schedules the next pod in the queue; resolves once its scheduling cycle (not its binding) is over. */
export async function scheduleOne(d: CycleDeps, signal: AbortSignal): Promise<void> {
  await d.bindings.room(signal);
  const qpi = await d.queue.pop(signal);
  const pod = qpi.pod;
  const fwk = d.frameworks.get(profileOf(pod));
  if (!fwk || pod.metadata?.deletionTimestamp || d.cache.isAssumedPod(pod)) {
    d.queue.done(pod.metadata?.uid ?? '');
    return;
  }
  const cycle = d.queue.schedulingCycle();
  const started = d.clock.now();
  const state = new CycleState();
  const snapshot = d.cache.snapshot();
  const result = schedulePod(fwk, state, pod, snapshot, { percentageOfNodesToScore: d.percentageOfNodesToScore, random: d.random, scheduler: d.rotation });
  const elapsed = () => (d.clock.now().getTime() - started.getTime()) / 1000;
  const observe = (r: AttemptResult) => {
    d.metrics.attempts.inc({ result: r, profile: profileOf(pod) });
    d.metrics.attemptDuration.observe({ result: r, profile: profileOf(pod) }, elapsed());
  };
  const explain = (postFilterMsg?: string) => ({ pod, result, time: started, attempt: qpi.attempts, ...(postFilterMsg ? { postFilterMsg } : {}) });

  if (result.kind === 'error') {
    // No nodes at all is not the scheduler's fault: upstream reports it as Unschedulable.
    const noNodes = result.error.message === ERR_NO_NODES_AVAILABLE;
    observe(noNodes ? 'unschedulable' : 'error');
    d.record(explain());
    failed(d, qpi, cycle, { reason: noNodes ? 'Unschedulable' : 'SchedulerError', message: result.error.message, plugins: new Set() });
    return;
  }

  if (result.kind === 'unschedulable') {
    // PostFilter (preemption) may free a node by evicting lower-priority pods; the pod itself
    // still goes back to the queue and is retried once the victims are gone.
    let nominated: string | undefined;
    let postFilterMsg = '';
    if (fwk.postFilterPlugins.length > 0) {
      d.metrics.preemptionAttempts.inc();
      const r = await fwk.runPostFilterPlugins(state, pod, nodeToStatusForPostFilter(result.diagnosis, snapshot));
      // '' clears an earlier nomination; undefined leaves it as it is.
      nominated = r.nominatedNodeName;
      if (r.status.code !== 'Success') postFilterMsg = reasonsOf(r.status).join(', ');
    }
    observe('unschedulable');
    const message = fitErrorMessage(result.numAllNodes, result.diagnosis, postFilterMsg);
    d.record(explain(postFilterMsg));
    failed(d, qpi, cycle, { reason: 'Unschedulable', message, plugins: result.diagnosis.unschedulablePlugins, nominated });
    return;
  }

  // Assume, then reserve: from here on the cache counts the pod on its node.
  const node = result.node;
  const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName: node } };
  d.cache.assumePod(assumed);
  const reserved = fwk.runReservePluginsReserve(state, assumed, node);
  if (reserved.code !== 'Success') {
    fwk.runReservePluginsUnreserve(state, assumed, node);
    d.cache.forgetPod(assumed);
    observe('error');
    d.record(explain());
    failed(d, qpi, cycle, { reason: 'SchedulerError', message: reasonsOf(reserved).join(', '), plugins: new Set() });
    return;
  }
  observe('scheduled');
  d.record(explain());
  d.bindings.started();
  void bindingCycle(d, fwk, state, qpi, assumed, node, cycle);
}

/**
 * The binding cycle, in the background, counted in `d.bindings`. It holds only its arguments: a
 * closure made in scheduleOne would keep that cycle's snapshot and scores alive until it ends.
 */
async function bindingCycle(d: CycleDeps, fwk: Framework, state: CycleState, qpi: QueuedPodInfo, assumed: Pod, node: string, cycle: number) {
  try {
    await bind(d, fwk, state, qpi, assumed, node, cycle);
  } finally {
    d.bindings.ended();
  }
}

async function bind(d: CycleDeps, fwk: Framework, state: CycleState, qpi: QueuedPodInfo, assumed: Pod, node: string, cycle: number) {
  const status = await fwk.runBindPlugins(state, assumed, node);
  if (status.code === 'Success') {
    d.cache.finishBinding(assumed);
    d.queue.done(assumed.metadata?.uid ?? '');
    const since = qpi.initialAttemptTimestamp ?? qpi.timestamp;
    d.metrics.podSchedulingDuration.observe({ attempts: String(qpi.attempts) }, (d.clock.now().getTime() - since.getTime()) / 1000);
    d.events.event(qpi.pod, 'Normal', 'Scheduled', `Successfully assigned ${keyOf(qpi.pod)} to ${node}`);
    d.log.debug({ pod: keyOf(qpi.pod), node }, 'bound');
    return;
  }
  // The node's room was counted for this pod: give it back, and let waiting pods try again.
  fwk.runReservePluginsUnreserve(state, assumed, node);
  d.cache.forgetPod(assumed);
  d.queue.moveAllToActiveOrBackoffQueue(EVENTS.AssignedPodDelete, assumed, undefined);
  failed(d, qpi, cycle, { reason: 'SchedulerError', message: `binding rejected: ${reasonsOf(status).join(', ')}`, plugins: new Set() });
}

interface Failure {
  reason: 'Unschedulable' | 'SchedulerError';
  message: string;
  plugins: ReadonlySet<string>;
  /** The node preemption made room on; '' clears an earlier nomination. */
  nominated?: string | undefined;
}

/** Upstream's handleSchedulingFailure: requeue (unless the pod is gone or bound), then tell the user. */
function failed(d: CycleDeps, qpi: QueuedPodInfo, cycle: number, f: Failure): void {
  const pod = qpi.pod;
  const current = d.pods.get(keyOf(pod));
  const gone = !current || current.metadata?.uid !== pod.metadata?.uid || Boolean(current.spec?.nodeName);
  if (!gone) {
    qpi.unschedulablePlugins = new Set(f.plugins);
    d.queue.addUnschedulableIfNotPresent(qpi, cycle);
    if (f.nominated) d.queue.addNominatedPod(qpi.podInfo, f.nominated);
    else if (f.nominated === '') d.queue.deleteNominatedPodIfExists(pod);
  }
  d.queue.done(pod.metadata?.uid ?? '');
  if (gone) return;
  d.log.info({ pod: keyOf(pod), reason: f.reason, message: f.message }, 'unable to schedule pod');
  d.events.event(pod, 'Warning', 'FailedScheduling', f.message);
  // Written in the background: the next pod need not wait for this pod's status round trip.
  d.api.updatePodStatus(current, { status: 'False', reason: f.reason, message: f.message }, f.nominated).catch((err: unknown) => {
    d.log.warn({ pod: keyOf(pod), err: (err as Error).message }, 'could not update the pod’s PodScheduled condition');
  });
}
