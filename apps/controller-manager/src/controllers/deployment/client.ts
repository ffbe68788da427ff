// The writes the Deployment controller makes (Deployments and their ReplicaSets), as a port so
// sync tests can record them, and a fresh read of a Deployment to recheck it before adopting.
import { alreadyExists, notFound, resourceFor } from '@k8ts/api';
import type { Client, Clock } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';

export const DEPLOYMENTS = resourceFor('apps', 'v1', 'deployments')!;
export const REPLICASETS = resourceFor('apps', 'v1', 'replicasets')!;

export interface DeploymentClient {
  /** A quorum read, bypassing the informer cache. */
  getDeployment(namespace: string, name: string): Promise<Deployment>;
  /** PUT with the object's resourceVersion (a stale one fails with 409). */
  updateDeployment(d: Deployment): Promise<Deployment>;
  updateDeploymentStatus(d: Deployment): Promise<Deployment>;
  createReplicaSet(rs: ReplicaSet): Promise<ReplicaSet>;
  updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet>;
  /** A strategic merge patch (adoption and release). */
  patchReplicaSet(namespace: string, name: string, patch: unknown): Promise<void>;
  /** Resolves quietly when the ReplicaSet is already gone. */
  deleteReplicaSet(namespace: string, name: string): Promise<void>;
}

const ns = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace ?? 'default';

export class ApiDeploymentClient implements DeploymentClient {
  constructor(private readonly client: Client) {}

  getDeployment(namespace: string, name: string) {
    return this.client.get<Deployment>(DEPLOYMENTS, name, namespace);
  }
  updateDeployment(d: Deployment) {
    return this.client.update<Deployment>(DEPLOYMENTS, d, { namespace: ns(d) });
  }
  updateDeploymentStatus(d: Deployment) {
    return this.client.updateStatus<Deployment>(DEPLOYMENTS, d, { namespace: ns(d) });
  }
  createReplicaSet(rs: ReplicaSet) {
    return this.client.create<ReplicaSet>(REPLICASETS, rs, { namespace: ns(rs) });
  }
  updateReplicaSet(rs: ReplicaSet) {
    return this.client.update<ReplicaSet>(REPLICASETS, rs, { namespace: ns(rs) });
  }
  async patchReplicaSet(namespace: string, name: string, patch: unknown) {
    await this.client.patch(REPLICASETS, name, patch, 'strategic', { namespace });
  }
  async deleteReplicaSet(namespace: string, name: string) {
    try {
      await this.client.delete(REPLICASETS, name, { namespace });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
}

export interface RecordedWrite {
  verb: 'updateDeployment' | 'updateStatus' | 'createRS' | 'updateRS' | 'patchRS' | 'deleteRS';
  name: string;
  obj?: Deployment | ReplicaSet;
  patch?: unknown;
}

/**
 * Keeps Deployments and ReplicaSets in maps and records every write. Created ReplicaSets get a
 * uid and a creationTimestamp from `clock`; `failCreates` fails the next N creations.
 */
export class FakeDeploymentClient implements DeploymentClient {
  readonly deployments = new Map<string, Deployment>();
  readonly replicaSets = new Map<string, ReplicaSet>();
  readonly writes: RecordedWrite[] = [];
  failCreates = 0;
  #rv = 100;

  constructor(private readonly clock: Clock, objs: readonly (Deployment | ReplicaSet)[] = []) {
    for (const o of objs) (o.kind === 'Deployment' ? this.deployments : this.replicaSets).set(`${ns(o)}/${o.metadata?.name}`, o as never);
  }

  #save<T extends Deployment | ReplicaSet>(map: Map<string, T>, obj: T, verb: RecordedWrite['verb']): T {
    const saved = structuredClone(obj);
    saved.metadata = { ...saved.metadata, resourceVersion: String(++this.#rv) };
    map.set(`${ns(saved)}/${saved.metadata.name}`, saved);
    this.writes.push({ verb, name: saved.metadata.name ?? '', obj: structuredClone(saved) });
    return structuredClone(saved);
  }

  async getDeployment(namespace: string, name: string) {
    const d = this.deployments.get(`${namespace}/${name}`);
    if (!d) throw notFound({ group: 'apps', resource: 'deployments' }, name);
    return structuredClone(d);
  }
  async updateDeployment(d: Deployment) {
    return this.#save(this.deployments, d, 'updateDeployment');
  }
  async updateDeploymentStatus(d: Deployment) {
    return this.#save(this.deployments, d, 'updateStatus');
  }
  async createReplicaSet(rs: ReplicaSet) {
    if (this.failCreates > 0) {
      this.failCreates--;
      throw new Error('fake create failure');
    }
    const name = rs.metadata?.name ?? '';
    if (this.replicaSets.has(`${ns(rs)}/${name}`)) throw alreadyExists({ group: 'apps', resource: 'replicasets' }, name);
    const t = this.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.#save(this.replicaSets, { ...rs, metadata: { ...rs.metadata, uid: `uid-${name}`, creationTimestamp: t, generation: 1 } }, 'createRS');
  }
  async updateReplicaSet(rs: ReplicaSet) {
    return this.#save(this.replicaSets, rs, 'updateRS');
  }
  async patchReplicaSet(_namespace: string, name: string, patch: unknown) {
    this.writes.push({ verb: 'patchRS', name, patch });
  }
  async deleteReplicaSet(namespace: string, name: string) {
    this.replicaSets.delete(`${namespace}/${name}`);
    this.writes.push({ verb: 'deleteRS', name });
  }

  /** The writes of one verb, in order. */
  of(verb: RecordedWrite['verb']): RecordedWrite[] {
    return this.writes.filter((w) => w.verb === verb);
  }
}
