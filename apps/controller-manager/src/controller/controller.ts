// The shape every controller has (upstream's pattern in pkg/controller): informer handlers only
// enqueue keys; N workers take keys from a rate-limited work queue and call `sync(key)`; a sync
// that throws is retried with per-key exponential back-off, one that succeeds resets it.
import { runWorker, WorkQueue, objectKey, type Clock, type KubeObject } from '@k8ts/client';
import type { Logger } from 'pino';
import type { ControllerMetrics } from './metrics.ts';

export interface Controller {
  readonly name: string;
  /** Runs until `signal` aborts. Informers are already synced when this is called. */
  run(signal: AbortSignal): Promise<void>;
}

export interface KeyedWorkersOptions {
  name: string;
  clock: Clock;
  log: Logger;
  metrics: ControllerMetrics;
  workers: number;
  sync(key: string): Promise<void>;
}

/** A work queue of object keys ("ns/name" or "name") and the workers that drain it. */
export class KeyedWorkers {
  readonly queue: WorkQueue<string>;

  constructor(private readonly o: KeyedWorkersOptions) {
    this.queue = new WorkQueue<string>({ clock: o.clock });
    o.metrics.onCollect(() => o.metrics.depth.set({ name: o.name }, this.queue.len()));
  }

  /** Queues the object's key (or a key given as is). */
  enqueue(objOrKey: KubeObject | string): void {
    this.o.metrics.adds.inc({ name: this.o.name });
    this.queue.add(typeof objOrKey === 'string' ? objOrKey : objectKey(objOrKey));
  }

  enqueueAfter(objOrKey: KubeObject | string, ms: number): void {
    this.queue.addAfter(typeof objOrKey === 'string' ? objOrKey : objectKey(objOrKey), ms);
  }

  async run(signal: AbortSignal): Promise<void> {
    const stop = () => this.queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    const sync = async (key: string) => {
      const t = performance.now();
      try {
        await this.o.sync(key);
      } finally {
        this.o.metrics.workDuration.observe({ name: this.o.name }, (performance.now() - t) / 1000);
      }
    };
    const onError = (key: string, err: unknown) => {
      this.o.metrics.retries.inc({ name: this.o.name });
      this.o.log.warn({ controller: this.o.name, key, err: (err as Error).message }, 'sync failed, will retry');
    };
    await Promise.all(Array.from({ length: this.o.workers }, () => runWorker(this.queue, sync, onError)));
    signal.removeEventListener('abort', stop);
  }
}
