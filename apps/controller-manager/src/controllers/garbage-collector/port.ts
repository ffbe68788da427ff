// What the garbage collector does to the API, as a narrow port: read an object's metadata at an
// identity's coordinates, delete it (only if it still has that uid), patch it, and warn about it.
// The decisions (sync.ts) talk only to this; ApiGCPort is the real thing, FakeGCPort records.
import { ApiError, resourceForKind, type ResourceInfo } from '@k8ts/api';
import type { Client, EventRecorder } from '@k8ts/client';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { Identity } from './graph.ts';

export type Propagation = 'Orphan' | 'Background' | 'Foreground';

export interface MetaObject {
  metadata: ObjectMeta;
}

export interface GCPort {
  /** The object at `id`'s coordinates (whatever its uid), or undefined when there is none. */
  get(id: Identity): Promise<MetaObject | undefined>;
  /** Deletes the object if it still has `id.uid`. */
  delete(id: Identity, propagationPolicy: Propagation): Promise<void>;
  patch(id: Identity, patch: unknown, type: 'strategic' | 'merge'): Promise<void>;
  warn(id: Identity, reason: string, message: string): void;
}

/** The resource serving `apiVersion`/`kind`; throws when the API has none (the caller retries). */
export function resourceOf(apiVersion: string, kind: string): ResourceInfo {
  const r = resourceForKind(apiVersion, kind);
  if (!r) throw new Error(`unable to get REST mapping for ${apiVersion}/${kind}`);
  return r;
}

const namespaceOf = (r: ResourceInfo, id: Identity) => (r.namespaced ? id.namespace : undefined);

export class ApiGCPort implements GCPort {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  async get(id: Identity): Promise<MetaObject | undefined> {
    const r = resourceOf(id.apiVersion, id.kind);
    try {
      return await this.client.get<MetaObject>(r, id.name, namespaceOf(r, id));
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async delete(id: Identity, propagationPolicy: Propagation): Promise<void> {
    const r = resourceOf(id.apiVersion, id.kind);
    const namespace = namespaceOf(r, id);
    await this.client.delete(r, id.name, { ...(namespace ? { namespace } : {}), propagationPolicy, preconditions: { uid: id.uid } });
  }

  async patch(id: Identity, patch: unknown, type: 'strategic' | 'merge'): Promise<void> {
    const r = resourceOf(id.apiVersion, id.kind);
    const namespace = namespaceOf(r, id);
    await this.client.patch(r, id.name, patch, type, namespace ? { namespace } : {});
  }

  warn(id: Identity, reason: string, message: string): void {
    const metadata = { name: id.name, uid: id.uid, ...(id.namespace ? { namespace: id.namespace } : {}) };
    this.recorder.event({ apiVersion: id.apiVersion, kind: id.kind, metadata }, 'Warning', reason, message);
  }
}
