import { describe, expect, it } from 'vitest';
import {
  aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, discoveryETag, storageVersionHash, wantsAggregated,
} from './index.ts';

type Res = { name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[]; group?: string; version?: string; shortNames?: string[]; categories?: string[]; storageVersionHash?: string };
const resources = (group: string, version: string) => (apiResourceList(group, version) as { resources: Res[] }).resources;
const find = (group: string, version: string, name: string) => resources(group, version).find((r) => r.name === name);

describe('APIResourceList', () => {
  const cases = [
    { name: 'pods', gv: ['', 'v1'], res: 'pods', want: { singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=' } },
    { name: 'nodes are cluster scoped', gv: ['', 'v1'], res: 'nodes', want: { namespaced: false, kind: 'Node', shortNames: ['no'] } },
    { name: 'namespaces cannot be deleted as a collection', gv: ['', 'v1'], res: 'namespaces', want: { verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] } },
    { name: 'deployments', gv: ['apps', 'v1'], res: 'deployments', want: { kind: 'Deployment', shortNames: ['deploy'], storageVersionHash: '8aSe+NMegvE=', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] } },
    { name: 'pods/status', gv: ['', 'v1'], res: 'pods/status', want: { singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] } },
    { name: 'pods/eviction names its group', gv: ['', 'v1'], res: 'pods/eviction', want: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] } },
    { name: 'deployments/scale is autoscaling/v1 Scale', gv: ['apps', 'v1'], res: 'deployments/scale', want: { kind: 'Scale', group: 'autoscaling', version: 'v1' } },
    { name: 'pods/binding', gv: ['', 'v1'], res: 'pods/binding', want: { kind: 'Binding', verbs: ['create'] } },
  ] as const;
  it.each(cases)('$name', ({ gv, res, want }) => {
    expect(find(gv[0], gv[1], res)).toMatchObject(want);
  });

  it('has no group/version on subresources of the same group version, and no storage hash', () => {
    const s = find('', 'v1', 'pods/status')!;
    expect(s.group).toBeUndefined();
    expect(s.storageVersionHash).toBeUndefined();
  });

  it('lists names in sorted order, subresources right after their resource', () => {
    const names = resources('', 'v1').map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect(names.slice(names.indexOf('pods'), names.indexOf('pods') + 3)).toEqual(['pods', 'pods/attach', 'pods/binding']);
  });

  it('core list has no apiVersion, group lists do', () => {
    expect(apiResourceList('', 'v1')).not.toHaveProperty('apiVersion');
    expect(apiResourceList('apps', 'v1')).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
  });

  it('is undefined for what is not served', () => {
    expect(apiResourceList('apps', 'v1beta1')).toBeUndefined();
    expect(apiResourceList('nope', 'v1')).toBeUndefined();
  });
});

describe('APIVersions, APIGroupList, APIGroup', () => {
  it('/api', () => {
    expect(apiVersions('10.0.0.1:6443')).toEqual({
      kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });
  it('/apis lists named groups in upstream priority order, each with its preferred version', () => {
    const list = apiGroupList();
    expect(list.groups.map((g) => g.name)).toEqual(['apps', 'batch', 'policy', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
    expect(list.groups[0]).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  });
  it('/apis/<group>', () => {
    expect(apiGroup('batch')).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'batch', preferredVersion: { groupVersion: 'batch/v1' } });
    expect(apiGroup('')).toBeUndefined();
    expect(apiGroup('nope')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it('legacy: one unnamed item holding v1', () => {
    const doc = aggregatedDiscovery('legacy');
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]!.metadata).toEqual({ creationTimestamp: null });
    const v1 = doc.items[0]!.versions[0]!;
    expect(v1).toMatchObject({ version: 'v1', freshness: 'Current' });
    const pods = v1.resources.find((r) => r.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'],
    });
    expect(pods!.subresources!.map((s) => s.subresource)).toEqual(['attach', 'binding', 'eviction', 'exec', 'log', 'portforward', 'status']);
    expect(pods!.subresources!.find((s) => s.subresource === 'eviction')).toEqual({
      subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'],
    });
    expect(v1.resources.find((r) => r.resource === 'nodes')!.scope).toBe('Cluster');
  });

  it('apis: named groups, no core group', () => {
    const doc = aggregatedDiscovery('apis', 'v2beta1');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => i.metadata.name)).toEqual(apiGroupList().groups.map((g) => g.name));
    const deploy = doc.items[0]!.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    expect(deploy.subresources).toEqual([
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
    ]);
    const leases = doc.items.find((i) => i.metadata.name === 'coordination.k8s.io')!.versions[0]!.resources[0]!;
    expect(leases).not.toHaveProperty('subresources');
    expect(leases).not.toHaveProperty('shortNames');
  });
});

describe('wantsAggregated', () => {
  const KUBECTL = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const cases = [
    { name: 'kubectl 1.32', accept: KUBECTL, want: 'v2' },
    { name: 'only v2beta1', accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', want: 'v2beta1' },
    { name: 'plain json first', accept: 'application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', want: false },
    { name: 'unknown version skipped', accept: 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json', want: false },
    { name: 'protobuf skipped', accept: 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', want: 'v2' },
    { name: 'spaces around parameters', accept: 'application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList', want: 'v2' },
    { name: 'no header', accept: undefined, want: false },
    { name: 'anything', accept: '*/*', want: false },
  ] as const;
  it.each(cases)('$name', ({ accept, want }) => {
    expect(wantsAggregated(accept)).toBe(want);
  });
});

describe('ETags', () => {
  it('are stable, independent of key order, and change with content', () => {
    const a = discoveryETag(aggregatedDiscovery('apis'));
    expect(discoveryETag(aggregatedDiscovery('apis'))).toBe(a);
    expect(a).toMatch(/^[0-9A-F]{128}$/);
    expect(discoveryETag({ x: 1, y: [1, { b: 2, a: 1 }] })).toBe(discoveryETag({ y: [1, { a: 1, b: 2 }], x: 1 }));
    expect(discoveryETag({ x: 1 })).not.toBe(discoveryETag({ x: 2 }));
    expect(discoveryETag(aggregatedDiscovery('legacy'))).not.toBe(a);
  });
  it('storageVersionHash matches a real cluster', () => {
    expect(storageVersionHash('', 'v1', 'Pod')).toBe('xPOwRZ+Yhw8=');
  });
});
