// The DaemonSet writes other than pods: its status, and the fresh read adoption checks against.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1';

export const DAEMONSETS = resourceFor('apps', 'v1', 'daemonsets')!;

export interface DaemonSetPort {
  updateStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void>;
  /** The DaemonSet read fresh from the API server; undefined when it is gone. */
  get(namespace: string, name: string): Promise<DaemonSet | undefined>;
}

const isCode = (err: unknown, code: number) => err instanceof ApiError && err.code === code;

export class ApiDaemonSetPort implements DaemonSetPort {
  constructor(private readonly client: Client) {}

  async updateStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    const ns = ds.metadata?.namespace;
    try {
      await this.client.updateStatus(DAEMONSETS, { ...structuredClone(ds), status }, { namespace: ns });
    } catch (err) {
      if (!isCode(err, 409)) throw err;
      // Our copy was stale: put the same status on the current object once, as upstream retries.
      const fresh = await this.get(ns ?? '', ds.metadata?.name ?? '');
      if (fresh) await this.client.updateStatus(DAEMONSETS, { ...fresh, status }, { namespace: ns });
    }
  }

  async get(namespace: string, name: string): Promise<DaemonSet | undefined> {
    try {
      return await this.client.get<DaemonSet>(DAEMONSETS, name, namespace);
    } catch (err) {
      if (isCode(err, 404)) return undefined;
      throw err;
    }
  }
}

/** Records status writes; `sets` answers get. */
export class FakeDaemonSetPort implements DaemonSetPort {
  readonly statuses: DaemonSetStatus[] = [];
  readonly sets = new Map<string, DaemonSet>();

  async updateStatus(_ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    this.statuses.push(status);
  }

  async get(namespace: string, name: string): Promise<DaemonSet | undefined> {
    return this.sets.get(`${namespace}/${name}`);
  }
}
