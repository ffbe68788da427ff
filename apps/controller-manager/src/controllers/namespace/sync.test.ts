import { ApiError } from '@k8ts/api';
import type { Namespace, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { ContentPort, DiscoveredResource, Discovery, GVR, NamespacePort, Remaining } from './content-port.ts';
import { NamespaceSync } from './sync.ts';

const NOW = new Date('2024-01-01T00:00:10Z');
const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Item extends Remaining {
  /** Survives a delete (a pod in its grace period). */
  sticky?: boolean;
  grace?: number;
}

/** An in-memory API: one namespace, its content by "groupVersion/resource", and a call log. */
class FakeApi implements ContentPort, NamespacePort {
  readonly calls: string[] = [];
  ns: Namespace | undefined;
  content = new Map<string, Item[]>();
  resources: DiscoveredResource[] = [
    { groupVersion: 'v1', resource: 'pods', verbs: ALL },
    { groupVersion: 'v1', resource: 'configmaps', verbs: ALL },
    { groupVersion: 'apps/v1', resource: 'deployments', verbs: ALL },
  ];
  failedGroups: Discovery['failed'] = [];
  finalizeConflicts = 0;

  #key = (r: GVR) => `${r.group ? `${r.group}/` : ''}${r.version}/${r.resource}`;

  async discover(): Promise<Discovery> {
    return { resources: this.resources, failed: this.failedGroups };
  }
  async deleteCollection(r: GVR): Promise<void> {
    this.calls.push(`deletecollection ${this.#key(r)}`);
    this.content.set(this.#key(r), (this.content.get(this.#key(r)) ?? []).filter((i) => i.sticky || i.finalizers.length));
  }
  async list(r: GVR): Promise<Remaining[]> {
    return this.content.get(this.#key(r)) ?? [];
  }
  async delete(r: GVR, _ns: string, name: string): Promise<void> {
    this.calls.push(`delete ${this.#key(r)} ${name}`);
    this.content.set(this.#key(r), (this.content.get(this.#key(r)) ?? []).filter((i) => i.name !== name || i.sticky || i.finalizers.length));
  }
  async listPods(): Promise<Pod[]> {
    return (this.content.get('v1/pods') ?? []).map((i) => ({ metadata: { name: i.name }, spec: { containers: [], terminationGracePeriodSeconds: i.grace ?? 30 }, status: { phase: 'Running' } }));
  }
  async get(): Promise<Namespace | undefined> {
    return this.ns && structuredClone(this.ns);
  }
  async updateStatus(ns: Namespace): Promise<Namespace> {
    this.calls.push(`status ${ns.status?.phase}`);
    this.ns = structuredClone(ns);
    return ns;
  }
  async finalize(ns: Namespace): Promise<Namespace> {
    if (this.finalizeConflicts-- > 0) throw new ApiError(409, 'Conflict', 'the object has been modified');
    this.calls.push(`finalize ${JSON.stringify(ns.spec?.finalizers)}`);
    this.ns = structuredClone(ns);
    return ns;
  }
}

const namespace = (o: { deleting?: boolean; finalizers?: string[]; phase?: string } = {}): Namespace => ({
  metadata: { name: 'x', uid: 'ns-uid', ...(o.deleting === false ? {} : { deletionTimestamp: '2024-01-01T00:00:00Z' }) },
  spec: { finalizers: o.finalizers ?? ['kubernetes'] },
  status: { phase: o.phase ?? 'Active' },
});

const conditionsOf = (api: FakeApi) =>
  Object.fromEntries((api.ns?.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));

describe('NamespaceSync', () => {
  it('marks the namespace Terminating, deletes everything, sets the all-clear conditions and finalizes', async () => {
    const api = new FakeApi();
    api.ns = namespace({ finalizers: ['kubernetes', 'example.com/other'] });
    api.content.set('v1/configmaps', [{ name: 'a', finalizers: [] }]);
    api.content.set('apps/v1/deployments', [{ name: 'd', finalizers: [] }]);
    const result = await new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x');
    expect(result).toEqual({});
    expect(api.calls).toEqual([
      'status Terminating', 'deletecollection v1/pods', 'deletecollection v1/configmaps', 'deletecollection apps/v1/deployments',
      'status Terminating', 'finalize ["example.com/other"]',
    ]);
    expect(conditionsOf(api)).toEqual({
      NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
      NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
      NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
      NamespaceContentRemaining: 'False ContentRemoved: All content successfully removed',
      NamespaceFinalizersRemaining: 'False ContentHasNoFinalizers: All content-preserving finalizers finished',
    });
  });

  const waiting: { name: string; items: [string, Item[]][]; remaining: number; conditions: Record<string, string> }[] = [
    {
      name: 'pods in their grace period: wait for the longest grace period',
      items: [['v1/pods', [{ name: 'p', finalizers: [], sticky: true, grace: 30 }, { name: 'q', finalizers: [], sticky: true, grace: 20 }]]],
      remaining: 30,
      conditions: { NamespaceContentRemaining: 'True SomeResourcesRemain: Some resources are remaining: pods. has 2 resource instances' },
    },
    {
      name: 'objects held by finalizers: wait the default 15 seconds',
      items: [['v1/configmaps', [{ name: 'c', finalizers: ['example.com/keep'] }]], ['apps/v1/deployments', [{ name: 'd', finalizers: ['example.com/keep', 'foregroundDeletion'] }]]],
      remaining: 15,
      conditions: {
        NamespaceContentRemaining: 'True SomeResourcesRemain: Some resources are remaining: configmaps. has 1 resource instances, deployments.apps has 1 resource instances',
        NamespaceFinalizersRemaining: 'True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: example.com/keep in 2 resource instances, foregroundDeletion in 1 resource instances',
      },
    },
  ];
  for (const c of waiting) {
    it(c.name, async () => {
      const api = new FakeApi();
      api.ns = namespace({ phase: 'Terminating' });
      for (const [k, v] of c.items) api.content.set(k, v);
      const result = await new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x');
      expect(result).toEqual({ remainingSeconds: c.remaining });
      expect(api.calls.some((x) => x.startsWith('finalize'))).toBe(false);
      const conds = conditionsOf(api);
      for (const [type, text] of Object.entries(c.conditions)) expect(conds[type]).toBe(text);
    });
  }

  it('stops waiting for pods once their grace period has passed since the delete, and reports leftovers as an error', async () => {
    const api = new FakeApi();
    api.ns = namespace({ phase: 'Terminating' });
    api.content.set('v1/pods', [{ name: 'p', finalizers: [], sticky: true, grace: 5 }]);
    await expect(new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x'))
      .rejects.toThrow('unexpected items still remain in namespace: x for gvr: { v1 pods}');
    expect(conditionsOf(api).NamespaceDeletionContentFailure).toBe(
      'True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: unexpected items still remain in namespace: x for gvr: { v1 pods}',
    );
  });

  it('reports discovery failures, still deletes what it can, and does not finalize', async () => {
    const api = new FakeApi();
    api.ns = namespace({ phase: 'Terminating' });
    api.failedGroups = [{ groupVersion: 'metrics.k8s.io/v1beta1', message: 'the server is currently unable to handle the request' }];
    api.content.set('v1/configmaps', [{ name: 'a', finalizers: [] }]);
    await expect(new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x')).rejects.toThrow(/complete list of server APIs/);
    expect(api.content.get('v1/configmaps')).toEqual([]);
    expect(conditionsOf(api).NamespaceDeletionDiscoveryFailure).toBe(
      'True DiscoveryFailed: Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request',
    );
    expect(api.calls.some((x) => x.startsWith('finalize'))).toBe(false);
  });

  it('deletes item by item where deletecollection is not offered, and skips what cannot be deleted', async () => {
    const api = new FakeApi();
    api.ns = namespace({ phase: 'Terminating' });
    api.resources = [
      { groupVersion: 'v1', resource: 'configmaps', verbs: ['delete', 'get', 'list'] },
      { groupVersion: 'v1', resource: 'bindings', verbs: ['create'] },
    ];
    api.content.set('v1/configmaps', [{ name: 'a', finalizers: [] }, { name: 'b', finalizers: [] }]);
    await new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x');
    expect(api.calls.filter((x) => !x.startsWith('status'))).toEqual(['delete v1/configmaps a', 'delete v1/configmaps b', 'finalize []']);
  });

  const noops: { name: string; ns: Namespace | undefined }[] = [
    { name: 'a namespace that is not being deleted', ns: namespace({ deleting: false }) },
    { name: 'a namespace that is gone', ns: undefined },
    { name: 'a namespace already finalized', ns: namespace({ finalizers: [], phase: 'Terminating' }) },
  ];
  for (const c of noops) {
    it(`does nothing for ${c.name}`, async () => {
      const api = new FakeApi();
      api.ns = c.ns;
      expect(await new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x')).toEqual({});
      expect(api.calls).toEqual([]);
    });
  }

  it('retries /finalize on a conflict with the latest namespace', async () => {
    const api = new FakeApi();
    api.ns = namespace({ phase: 'Terminating' });
    api.finalizeConflicts = 1;
    await new NamespaceSync({ namespaces: api, content: api, now: () => NOW }).sync('x');
    expect(api.calls.at(-1)).toBe('finalize []');
  });
});
