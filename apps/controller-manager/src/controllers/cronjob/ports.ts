// What the CronJob sync acts through: the Job and CronJob API calls, events, and a recording fake.
import { ApiError } from '@k8ts/api';
import type { KubeObject } from '@k8ts/client';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';

export interface CronJobApi {
  getJob(namespace: string, name: string): Promise<Job>;
  createJob(namespace: string, job: Job): Promise<Job>;
  /** Deletes with propagationPolicy Background, as upstream. */
  deleteJob(namespace: string, name: string): Promise<void>;
  updateStatus(cj: CronJob): Promise<CronJob>;
}

export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
}

/** Records events as `type reason message` lines. */
export class FakeRecorder implements Recorder {
  readonly events: string[] = [];
  event(_obj: KubeObject, type: string, reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
  }
}

/** Keeps created jobs by name; records every call. `existing` answers getJob. */
export class FakeCronJobApi implements CronJobApi {
  readonly calls: string[] = [];
  readonly jobs = new Map<string, Job>();
  statuses: CronJob[] = [];
  failCreate?: ApiError;

  async getJob(_ns: string, name: string): Promise<Job> {
    const j = this.jobs.get(name);
    if (!j) throw new ApiError(404, 'NotFound', `jobs.batch "${name}" not found`);
    return j;
  }

  async createJob(_ns: string, job: Job): Promise<Job> {
    this.calls.push(`create ${job.metadata?.name}`);
    if (this.failCreate) throw this.failCreate;
    const created = { ...job, metadata: { ...job.metadata, uid: `uid-${job.metadata?.name}` } };
    this.jobs.set(job.metadata?.name ?? '', created);
    return created;
  }

  async deleteJob(_ns: string, name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
    this.jobs.delete(name);
  }

  async updateStatus(cj: CronJob): Promise<CronJob> {
    this.statuses.push(structuredClone(cj));
    return cj;
  }
}
