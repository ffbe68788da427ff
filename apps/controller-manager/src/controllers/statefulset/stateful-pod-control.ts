// The port the StatefulSet controller acts through (upstream's StatefulPodControl plus its status
// updater): pod writes with upstream's events — "create Pod web-0 in StatefulSet web successful",
// "delete Pod web-2 in StatefulSet web failed error: …" — status writes, and the fresh read that
// adoption checks against. `FakeStatefulSetPort` records every call for sync tests.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, EventRecorder } from '@k8ts/client';
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { PODS } from '../../controller/pod-control.ts';

export const STATEFULSETS = resourceFor('apps', 'v1', 'statefulsets')!;

export interface StatefulSetPort {
  createPod(set: StatefulSet, pod: Pod): Promise<void>;
  deletePod(set: StatefulSet, pod: Pod): Promise<void>;
  /** A strategic merge patch that restores the pod's identity; recorded as an "update" event. */
  updatePod(set: StatefulSet, pod: Pod, patch: unknown): Promise<void>;
  /** Adoption and release patches: no event. A 404 resolves quietly. */
  patchPod(namespace: string, name: string, patch: unknown): Promise<void>;
  updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void>;
  /** The set read fresh from the API server; undefined when it is gone. */
  getSet(namespace: string, name: string): Promise<StatefulSet | undefined>;
}

const isCode = (err: unknown, code: number) => err instanceof ApiError && err.code === code;
const title = (verb: string) => verb[0]!.toUpperCase() + verb.slice(1);

export class ApiStatefulSetPort implements StatefulSetPort {
  constructor(private readonly client: Client, private readonly recorder: Pick<EventRecorder, 'event'>) {}

  #record(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    const what = `${verb} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name}`;
    if (err === undefined) this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${what} successful`);
    else this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${what} failed error: ${(err as Error).message}`);
  }

  async createPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.create(PODS, pod, { namespace: set.metadata?.namespace });
    } catch (err) {
      // Already there: the informer is behind; the retry will see it. Upstream records nothing.
      if (!isCode(err, 409)) this.#record('create', set, pod, err);
      throw err;
    }
    this.#record('create', set, pod);
  }

  async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(PODS, pod.metadata?.name ?? '', { namespace: set.metadata?.namespace });
    } catch (err) {
      if (isCode(err, 404)) return;
      this.#record('delete', set, pod, err);
      throw err;
    }
    this.#record('delete', set, pod);
  }

  async updatePod(set: StatefulSet, pod: Pod, patch: unknown): Promise<void> {
    try {
      await this.client.patch(PODS, pod.metadata?.name ?? '', patch, 'strategic', { namespace: set.metadata?.namespace });
    } catch (err) {
      this.#record('update', set, pod, err);
      throw err;
    }
    this.#record('update', set, pod);
  }

  async patchPod(namespace: string, name: string, patch: unknown): Promise<void> {
    try {
      await this.client.patch(PODS, name, patch, 'strategic', { namespace });
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
  }

  async updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    const ns = set.metadata?.namespace;
    try {
      await this.client.updateStatus(STATEFULSETS, { ...structuredClone(set), status }, { namespace: ns });
    } catch (err) {
      if (!isCode(err, 409)) throw err;
      // Our copy was stale: write the same status onto the current object once (upstream retries too).
      const fresh = await this.getSet(ns ?? '', set.metadata?.name ?? '');
      if (fresh) await this.client.updateStatus(STATEFULSETS, { ...fresh, status }, { namespace: ns });
    }
  }

  async getSet(namespace: string, name: string): Promise<StatefulSet | undefined> {
    try {
      return await this.client.get<StatefulSet>(STATEFULSETS, name, namespace);
    } catch (err) {
      if (isCode(err, 404)) return undefined;
      throw err;
    }
  }
}

export interface StatefulSetCall {
  verb: 'create' | 'delete' | 'update' | 'patch' | 'status';
  name: string;
  pod?: Pod;
  patch?: unknown;
  status?: StatefulSetStatus;
}

/** Records calls; `failCreates` makes the next N creations throw. `sets` answers getSet. */
export class FakeStatefulSetPort implements StatefulSetPort {
  readonly calls: StatefulSetCall[] = [];
  readonly sets = new Map<string, StatefulSet>();
  failCreates = 0;

  async createPod(_set: StatefulSet, pod: Pod): Promise<void> {
    if (this.failCreates > 0) {
      this.failCreates--;
      throw new ApiError(500, 'InternalError', 'fake create failure');
    }
    this.calls.push({ verb: 'create', name: pod.metadata?.name ?? '', pod });
  }

  async deletePod(_set: StatefulSet, pod: Pod): Promise<void> {
    this.calls.push({ verb: 'delete', name: pod.metadata?.name ?? '' });
  }

  async updatePod(_set: StatefulSet, pod: Pod, patch: unknown): Promise<void> {
    this.calls.push({ verb: 'update', name: pod.metadata?.name ?? '', patch });
  }

  async patchPod(_namespace: string, name: string, patch: unknown): Promise<void> {
    this.calls.push({ verb: 'patch', name, patch });
  }

  async updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    this.calls.push({ verb: 'status', name: set.metadata?.name ?? '', status });
  }

  async getSet(namespace: string, name: string): Promise<StatefulSet | undefined> {
    return this.sets.get(`${namespace}/${name}`);
  }

  /** The pod writes only, as "create web-0" / "delete web-2". */
  get podWrites(): string[] {
    return this.calls.filter((c) => c.verb === 'create' || c.verb === 'delete').map((c) => `${c.verb} ${c.name}`);
  }

  get lastStatus(): StatefulSetStatus | undefined {
    return this.calls.filter((c) => c.verb === 'status').at(-1)?.status;
  }
}
