// What the namespace deleter asks of the API: discovery of the namespaced resources (from the
// unaggregated documents /api/v1, /apis and each group's preferred version), and list /
// deletecollection / delete on any of them by path, so that every kind the server serves is
// covered without a table of our own.
import { ApiError } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { Namespace, Pod } from 'kubernetes-types/core/v1';

export interface DiscoveredResource {
  /** e.g. "v1" or "apps/v1", as discovery spells it. */
  groupVersion: string;
  /** The plural, e.g. "pods". */
  resource: string;
  verbs: readonly string[];
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** Groups whose documents could not be read (the rest is still usable). */
  failed: { groupVersion: string; message: string }[];
}

export interface GVR {
  group: string;
  version: string;
  resource: string;
}

/** Metadata of one remaining object. */
export interface Remaining {
  name: string;
  finalizers: readonly string[];
}

export interface ContentPort {
  discover(): Promise<Discovery>;
  /** Throws ApiError 404/405 when the resource does not support it. */
  deleteCollection(r: GVR, namespace: string): Promise<void>;
  list(r: GVR, namespace: string): Promise<Remaining[]>;
  delete(r: GVR, namespace: string, name: string): Promise<void>;
  listPods(namespace: string): Promise<Pod[]>;
}

export interface NamespacePort {
  /** Undefined when the namespace is gone. */
  get(name: string): Promise<Namespace | undefined>;
  updateStatus(ns: Namespace): Promise<Namespace>;
  /** PUT /api/v1/namespaces/<name>/finalize with the namespace's new spec.finalizers. */
  finalize(ns: Namespace): Promise<Namespace>;
}

const collectionPath = (r: GVR, ns: string) =>
  `${r.group ? `/apis/${r.group}` : '/api'}/${r.version}/namespaces/${encodeURIComponent(ns)}/${r.resource}`;

const BACKGROUND = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };

export class ApiContentPort implements ContentPort, NamespacePort {
  constructor(private readonly client: Client) {}

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.client.raw(method, path, body, { Accept: 'application/json' });
    const text = res.body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.status < 200 || res.status > 299) {
      throw ApiError.fromStatus(res.status, parsed);
    }
    return parsed as T;
  }

  async discover(): Promise<Discovery> {
    const out: Discovery = { resources: [], failed: [] };
    const groupVersions = ['v1'];
    const groups = await this.#json<{ groups?: { preferredVersion?: { groupVersion: string }; versions?: { groupVersion: string }[] }[] }>('GET', '/apis');
    for (const g of groups.groups ?? []) {
      const gv = g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion;
      if (gv) groupVersions.push(gv);
    }
    for (const gv of groupVersions) {
      try {
        const list = await this.#json<{ resources?: { name: string; namespaced: boolean; verbs?: string[] }[] }>('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
        for (const r of list.resources ?? []) {
          if (r.namespaced && !r.name.includes('/')) out.resources.push({ groupVersion: gv, resource: r.name, verbs: r.verbs ?? [] });
        }
      } catch (err) {
        out.failed.push({ groupVersion: gv, message: (err as Error).message });
      }
    }
    return out;
  }

  async deleteCollection(r: GVR, namespace: string): Promise<void> {
    await this.#json('DELETE', collectionPath(r, namespace), BACKGROUND);
  }

  async list(r: GVR, namespace: string): Promise<Remaining[]> {
    const list = await this.#json<{ items?: { metadata?: { name?: string; finalizers?: string[] } }[] }>('GET', collectionPath(r, namespace));
    return (list.items ?? []).map((i) => ({ name: i.metadata?.name ?? '', finalizers: i.metadata?.finalizers ?? [] }));
  }

  async delete(r: GVR, namespace: string, name: string): Promise<void> {
    await this.#json('DELETE', `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`, BACKGROUND);
  }

  async listPods(namespace: string): Promise<Pod[]> {
    return (await this.#json<{ items?: Pod[] }>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`)).items ?? [];
  }

  async get(name: string): Promise<Namespace | undefined> {
    try {
      return await this.#json<Namespace>('GET', `/api/v1/namespaces/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  updateStatus(ns: Namespace): Promise<Namespace> {
    return this.#json('PUT', `/api/v1/namespaces/${encodeURIComponent(ns.metadata?.name ?? '')}/status`, ns);
  }

  finalize(ns: Namespace): Promise<Namespace> {
    return this.#json('PUT', `/api/v1/namespaces/${encodeURIComponent(ns.metadata?.name ?? '')}/finalize`, ns);
  }
}
