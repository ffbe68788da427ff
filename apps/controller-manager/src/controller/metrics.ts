// The controller manager's Prometheus metrics: client-go's workqueue metrics (named as
// upstream's, labelled by queue name = controller name) and leader status.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  depth: Gauge<'name'>;
  adds: Counter<'name'>;
  retries: Counter<'name'>;
  workDuration: Histogram<'name'>;
  leader: Gauge;
  /** Called on every scrape so gauges such as queue depth are current. */
  onCollect(f: () => void): void;
}

export function controllerMetrics(): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const collectors: (() => void)[] = [];
  return {
    registry,
    depth: new Gauge({
      name: 'workqueue_depth', help: 'Current depth of the work queue.', labelNames: ['name'], registers,
      collect() {
        for (const f of collectors) f();
      },
    }),
    adds: new Counter({ name: 'workqueue_adds_total', help: 'Adds handled by the work queue.', labelNames: ['name'], registers }),
    retries: new Counter({ name: 'workqueue_retries_total', help: 'Retries (rate-limited re-adds) handled by the work queue.', labelNames: ['name'], registers }),
    workDuration: new Histogram({
      name: 'workqueue_work_duration_seconds', help: 'How long processing an item takes.', labelNames: ['name'], registers,
      buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    }),
    leader: new Gauge({ name: 'leader_election_master_status', help: '1 while this instance leads.', registers }),
    onCollect: (f) => collectors.push(f),
  };
}
