// Wires the Job controller (upstream job_controller.go NewController): Job and Pod informers
// enqueue Job keys and observe expectations; a second queue releases the tracking finalizer of
// pods whose Job is gone or finished (upstream's orphan queue). Sync logic is in sync.ts.
import { ApiError, labelSelectorFromObject, resourceFor } from '@k8ts/api';
import { isTombstone, objectKey, splitKey, type Informer } from '@k8ts/client';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { controllerOf } from '../../controller/controller-ref.ts';
import { ControllerExpectations } from '../../controller/expectations.ts';
import { ApiPodControl, type PodControl } from '../../controller/pod-control.ts';
import { BackoffStore } from './backoff.ts';
import type { JobApi, JobDeps } from './ports.ts';
import { FinalizerExpectations, hasTrackingFinalizer, isJobFinished, removeFinalizerPatch } from './status.ts';
import { syncJob } from './sync.ts';

export const JOBS = resourceFor('batch', 'v1', 'jobs')!;
export const COMPONENT = 'job-controller';

export interface JobControllerOptions {
  podControl?: PodControl;
  api?: JobApi;
}

export class JobController implements Controller {
  readonly name = COMPONENT;
  readonly deps: JobDeps;
  readonly #workers: KeyedWorkers;
  readonly #orphans: KeyedWorkers;
  readonly #jobs: Informer<Job>;

  constructor(ctx: ControllerContext, o: JobControllerOptions = {}) {
    const recorder = ctx.recorder(COMPONENT);
    this.#jobs = ctx.informers.for<Job>('batch', 'v1', 'jobs');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    const base = { clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs };
    this.#workers = new KeyedWorkers({ ...base, name: 'job', sync: (key) => syncJob(this.deps, key) });
    this.#orphans = new KeyedWorkers({ ...base, name: 'job_orphan_pod', workers: 1, sync: (key) => this.#syncOrphanPod(key) });
    this.deps = {
      jobs: this.#jobs.lister,
      pods: pods.lister,
      podControl: o.podControl ?? new ApiPodControl(ctx.client, recorder),
      api: o.api ?? {
        get: (ns, name) => ctx.client.get<Job>(JOBS, name, ns),
        updateStatus: (job) => ctx.client.updateStatus<Job>(JOBS, job, { namespace: job.metadata?.namespace ?? '' }),
      },
      recorder,
      clock: ctx.clock,
      expectations: new ControllerExpectations(ctx.clock),
      finalizers: new FinalizerExpectations(),
      backoff: new BackoffStore(),
      enqueueAfter: (key, ms) => this.#workers.enqueueAfter(key, ms),
      random: Math.random,
    };
    this.#jobs.addEventHandler({
      onAdd: (j) => this.#workers.enqueue(j),
      onUpdate: (_old, j) => this.#workers.enqueue(j),
      onDelete: (x) => this.#jobDeleted(isTombstone(x) ? x.obj : x),
    });
    pods.addEventHandler({
      onAdd: (p) => (p.metadata?.deletionTimestamp ? this.#podDeleted(p, false) : this.#podChanged(p, true)),
      onUpdate: (old, p) => this.#podUpdated(old, p),
      onDelete: (x) => this.#podDeleted(isTombstone(x) ? x.obj : x, true),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return Promise.all([this.#workers.run(signal), this.#orphans.run(signal)]).then(() => undefined);
  }

  /** The Job controlling `pod`, if it is in the cache with the same uid. */
  #owner(pod: Pod): Job | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job') return undefined;
    const job = this.#jobs.lister.get(`${pod.metadata?.namespace}/${ref.name}`);
    return job?.metadata?.uid === ref.uid ? job : undefined;
  }

  #podChanged(pod: Pod, created: boolean): void {
    const job = this.#owner(pod);
    if (job) {
      if (created) this.deps.expectations.creationObserved(objectKey(job));
      if (!hasTrackingFinalizer(pod)) this.deps.finalizers.observed(objectKey(job), pod.metadata?.uid ?? '');
      return this.#workers.enqueue(job);
    }
    if (hasTrackingFinalizer(pod)) this.#orphans.enqueue(pod);
    // An orphan: every Job whose selector matches may adopt it.
    if (!controllerOf(pod)) for (const j of this.#matchingJobs(pod)) this.#workers.enqueue(j);
  }

  #podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp) return this.#podDeleted(pod, false);
    const oldRef = controllerOf(old);
    if (oldRef && oldRef.uid !== controllerOf(pod)?.uid) {
      const prev = this.#owner(old);
      if (prev) this.#workers.enqueue(prev);
    }
    this.#podChanged(pod, false);
  }

  /** `final`: the pod is gone; otherwise its deletion has only been requested. */
  #podDeleted(pod: Pod, final: boolean): void {
    const job = this.#owner(pod);
    if (!job) {
      if (hasTrackingFinalizer(pod) && !final) this.#orphans.enqueue(pod);
      return;
    }
    const key = objectKey(job);
    this.deps.expectations.deletionObserved(key);
    if (final || !hasTrackingFinalizer(pod)) this.deps.finalizers.observed(key, pod.metadata?.uid ?? '');
    this.#workers.enqueue(key);
  }

  #jobDeleted(job: Job): void {
    this.#workers.enqueue(job);
    // Its pods may still hold the finalizer; release them so they can go.
    const uid = job.metadata?.uid;
    for (const p of this.deps.pods.byNamespace(job.metadata?.namespace ?? '')) {
      if (hasTrackingFinalizer(p) && (controllerOf(p)?.uid === uid || !controllerOf(p))) this.#orphans.enqueue(p);
    }
  }

  #matchingJobs(pod: Pod): Job[] {
    const labels = pod.metadata?.labels ?? {};
    return this.#jobs.lister.byNamespace(pod.metadata?.namespace ?? '', (j) => {
      try {
        return labelSelectorFromObject(j.spec?.selector).matches(labels) && Object.keys(labels).length > 0;
      } catch {
        return false;
      }
    });
  }

  /** Releases a pod whose Job is gone or finished (upstream syncOrphanPod). */
  async #syncOrphanPod(key: string): Promise<void> {
    const pod = this.deps.pods.get(key);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const job = this.#owner(pod);
    if (job && !isJobFinished(job)) return;
    const { namespace, name } = splitKey(key);
    try {
      await this.deps.podControl.patchPod(namespace, name, removeFinalizerPatch);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
