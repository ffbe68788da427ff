// The ReplicaSet writes the controller makes besides pods: a fresh read (to recheck the owner
// before adopting) and the status update. A port, so sync tests can record status writes.
import { notFound, resourceFor } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';

export const REPLICASETS = resourceFor('apps', 'v1', 'replicasets')!;

export interface ReplicaSetClient {
  /** A quorum read from the API server, bypassing the informer cache. */
  get(namespace: string, name: string): Promise<ReplicaSet>;
  /** PUT …/status with the object's resourceVersion; a stale one fails with 409. */
  updateStatus(rs: ReplicaSet): Promise<ReplicaSet>;
}

export class ApiReplicaSetClient implements ReplicaSetClient {
  constructor(private readonly client: Client) {}

  get(namespace: string, name: string): Promise<ReplicaSet> {
    return this.client.get<ReplicaSet>(REPLICASETS, name, namespace);
  }

  updateStatus(rs: ReplicaSet): Promise<ReplicaSet> {
    return this.client.updateStatus<ReplicaSet>(REPLICASETS, rs);
  }
}

/** Serves ReplicaSets from a map and records every status written; `failUpdates` fails the next N. */
export class FakeReplicaSetClient implements ReplicaSetClient {
  readonly objects = new Map<string, ReplicaSet>();
  readonly statusUpdates: ReplicaSet[] = [];
  failUpdates = 0;

  constructor(objs: readonly ReplicaSet[] = []) {
    for (const rs of objs) this.objects.set(`${rs.metadata?.namespace}/${rs.metadata?.name}`, rs);
  }

  async get(namespace: string, name: string): Promise<ReplicaSet> {
    const rs = this.objects.get(`${namespace}/${name}`);
    if (!rs) throw notFound({ group: 'apps', resource: 'replicasets' }, name);
    return structuredClone(rs);
  }

  async updateStatus(rs: ReplicaSet): Promise<ReplicaSet> {
    if (this.failUpdates > 0) {
      this.failUpdates--;
      throw new Error('fake status update failure');
    }
    const saved = structuredClone(rs);
    this.statusUpdates.push(saved);
    this.objects.set(`${rs.metadata?.namespace}/${rs.metadata?.name}`, saved);
    return structuredClone(saved);
  }
}
