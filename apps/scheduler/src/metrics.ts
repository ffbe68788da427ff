// The scheduler's Prometheus metrics, named as kube-scheduler's so its dashboards read the same.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export interface SchedulerMetrics {
  registry: Registry;
  /** One per scheduling cycle, by result (upstream scheduler_schedule_attempts_total). */
  attempts: Counter<'result' | 'profile'>;
  /** One cycle: from pop to the decision, binding excluded. */
  attemptDuration: Histogram<'result' | 'profile'>;
  /** From the pod's first entry into the queue to its successful binding, over all attempts. */
  podSchedulingDuration: Histogram<'attempts'>;
  /** Pods waiting, by sub-queue (active, backoff, unschedulable). */
  pendingPods: Gauge<'queue'>;
  /** Binding cycles in flight, as upstream's scheduler_goroutines{operation="binding"}. */
  goroutines: Gauge<'operation'>;
  preemptionAttempts: Counter;
  /** 1 while this instance holds the leader Lease. */
  leader: Gauge;
  /** Where pendingPods reads its counts from on every scrape. */
  setPendingSource(f: () => Readonly<Record<string, number>>): void;
  /** Where goroutines reads the binding cycles in flight from on every scrape. */
  setBindingSource(f: () => number): void;
}

export function schedulerMetrics(): SchedulerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let pendingSource: (() => Readonly<Record<string, number>>) | undefined;
  let bindingSource: (() => number) | undefined;
  const latency = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];
  return {
    registry,
    attempts: new Counter({ name: 'scheduler_schedule_attempts_total', help: 'Scheduling attempts by result.', labelNames: ['result', 'profile'], registers }),
    attemptDuration: new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds', help: 'Scheduling attempt latency (filter, score, reserve), by result.',
      labelNames: ['result', 'profile'], buckets: latency, registers,
    }),
    podSchedulingDuration: new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds', help: 'From first enqueue to bound, by number of attempts.',
      labelNames: ['attempts'], buckets: latency, registers,
    }),
    pendingPods: new Gauge({
      name: 'scheduler_pending_pods', help: 'Pending pods by queue.', labelNames: ['queue'], registers,
      collect() {
        for (const [queue, n] of Object.entries(pendingSource?.() ?? {})) this.set({ queue }, n);
      },
    }),
    goroutines: new Gauge({
      name: 'scheduler_goroutines', help: 'Work running in the background, by operation: binding cycles in flight.', labelNames: ['operation'], registers,
      collect() {
        this.set({ operation: 'binding' }, bindingSource?.() ?? 0);
      },
    }),
    preemptionAttempts: new Counter({ name: 'scheduler_preemption_attempts_total', help: 'Preemption attempts.', registers }),
    leader: new Gauge({ name: 'leader_election_master_status', help: '1 while this instance leads.', labelNames: [], registers }),
    setPendingSource: (f) => {
      pendingSource = f;
    },
    setBindingSource: (f) => {
      bindingSource = f;
    },
  };
}
