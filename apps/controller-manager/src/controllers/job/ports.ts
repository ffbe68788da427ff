// What the Job sync reads and acts through, and the state one sync carries between its steps.
import type { Clock, Lister } from '@k8ts/client';
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '@k8ts/client';
import type { ControllerExpectations } from '../../controller/expectations.ts';
import type { PodControl } from '../../controller/pod-control.ts';
import type { BackoffRecord, BackoffStore } from './backoff.ts';
import type { FinalizerExpectations } from './status.ts';

/** The Job API calls the controller makes. */
export interface JobApi {
  /** A fresh read (for the adoption re-check); rejects with 404 when it is gone. */
  get(namespace: string, name: string): Promise<Job>;
  /** PUT /status with the job's resourceVersion; a conflict rejects and the sync is retried. */
  updateStatus(job: Job): Promise<Job>;
}

export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface JobDeps {
  jobs: Lister<Job>;
  pods: Lister<Pod>;
  podControl: PodControl;
  api: JobApi;
  recorder: Recorder;
  clock: Clock;
  expectations: ControllerExpectations;
  finalizers: FinalizerExpectations;
  backoff: BackoffStore;
  enqueueAfter(key: string, ms: number): void;
  /** For the random suffix of indexed pod names. */
  random: () => number;
}

/** One sync's view of a Job (upstream syncJobCtx). `job` is a private copy, replaced after each status write. */
export interface SyncCtx {
  key: string;
  job: Job;
  pods: Pod[];
  active: Pod[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  finished?: JobCondition;
  uncounted: { succeeded: ReadonlySet<string>; failed: ReadonlySet<string> };
  expectedRm: ReadonlySet<string>;
  prevSucceededIndexes: ReadonlySet<number>;
  succeededIndexes: Set<number>;
  backoff: BackoffRecord;
}
