// Wires the TTL-after-finished controller: Job adds and updates enqueue the Jobs that have a TTL
// and are finished; a sync that finds the TTL not yet due re-queues the key for when it is.
import { resourceFor } from '@k8ts/api';
import type { Job } from 'kubernetes-types/batch/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { needsCleanup, syncTtl, type TtlDeps, type TtlJobApi } from './sync.ts';

const JOBS = resourceFor('batch', 'v1', 'jobs')!;

export class TtlAfterFinishedController implements Controller {
  readonly name = 'ttl-after-finished-controller';
  readonly deps: TtlDeps;
  readonly #workers: KeyedWorkers;

  constructor(ctx: ControllerContext, o: { api?: TtlJobApi } = {}) {
    const jobs = ctx.informers.for<Job>('batch', 'v1', 'jobs');
    this.deps = {
      jobs: jobs.lister,
      clock: ctx.clock,
      api: o.api ?? {
        get: (ns, name) => ctx.client.get<Job>(JOBS, name, ns),
        delete: async (ns, name, uid) =>
          void (await ctx.client.delete(JOBS, name, { namespace: ns, propagationPolicy: 'Foreground', preconditions: { uid } })),
      },
    };
    this.#workers = new KeyedWorkers({
      name: 'ttl_jobs_to_delete', clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: async (key) => {
        const after = await syncTtl(this.deps, key);
        if (after !== undefined) this.#workers.enqueueAfter(key, after);
      },
    });
    const maybe = (j: Job) => {
      if (needsCleanup(j)) this.#workers.enqueue(j);
    };
    jobs.addEventHandler({ onAdd: maybe, onUpdate: (_old, j) => maybe(j) });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
