// Wires the CronJob controller (upstream cronjob_controllerv2.go): CronJob and Job informers
// enqueue CronJob keys; every sync says when the next schedule time falls and the key is
// re-queued for then, so nothing polls.
import { resourceFor } from '@k8ts/api';
import { isTombstone, type Informer } from '@k8ts/client';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { controllerOf } from '../../controller/controller-ref.ts';
import type { CronJobApi } from './ports.ts';
import { syncCronJob, type CronJobDeps } from './sync.ts';

export const CRONJOBS = resourceFor('batch', 'v1', 'cronjobs')!;
const JOBS = resourceFor('batch', 'v1', 'jobs')!;
export const COMPONENT = 'cronjob-controller';

export class CronJobController implements Controller {
  readonly name = COMPONENT;
  readonly deps: CronJobDeps;
  readonly #workers: KeyedWorkers;
  readonly #cronJobs: Informer<CronJob>;

  constructor(ctx: ControllerContext, o: { api?: CronJobApi } = {}) {
    this.#cronJobs = ctx.informers.for<CronJob>('batch', 'v1', 'cronjobs');
    const jobs = ctx.informers.for<Job>('batch', 'v1', 'jobs');
    this.deps = {
      cronJobs: this.#cronJobs.lister,
      jobs: jobs.lister,
      recorder: ctx.recorder(COMPONENT),
      clock: ctx.clock,
      api: o.api ?? {
        getJob: (ns, name) => ctx.client.get<Job>(JOBS, name, ns),
        createJob: (ns, job) => ctx.client.create<Job>(JOBS, job, { namespace: ns }),
        deleteJob: async (ns, name) => void (await ctx.client.delete(JOBS, name, { namespace: ns, propagationPolicy: 'Background' })),
        updateStatus: (cj) => ctx.client.updateStatus<CronJob>(CRONJOBS, cj, { namespace: cj.metadata?.namespace ?? '' }),
      },
    };
    this.#workers = new KeyedWorkers({
      name: 'cronjob', clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: async (key) => {
        const after = await syncCronJob(this.deps, key);
        if (after !== undefined) this.#workers.enqueueAfter(key, Math.max(0, after));
      },
    });
    this.#cronJobs.addEventHandler({
      onAdd: (cj) => this.#workers.enqueue(cj),
      onUpdate: (_old, cj) => this.#workers.enqueue(cj),
    });
    const owner = (j: Job) => {
      const ref = controllerOf(j);
      if (ref?.kind !== 'CronJob') return;
      const cj = this.#cronJobs.lister.get(`${j.metadata?.namespace}/${ref.name}`);
      if (cj?.metadata?.uid === ref.uid) this.#workers.enqueue(cj);
    };
    jobs.addEventHandler({
      onAdd: owner,
      onUpdate: (old, j) => {
        if (old.metadata?.resourceVersion === j.metadata?.resourceVersion) return;
        owner(j);
        if (controllerOf(old)?.uid !== controllerOf(j)?.uid) owner(old);
      },
      onDelete: (x) => owner(isTombstone(x) ? x.obj : x),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
