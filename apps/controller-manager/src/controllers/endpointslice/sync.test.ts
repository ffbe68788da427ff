import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import { FakeSlicePort } from './port.ts';
import { EndpointSliceSync } from './sync.ts';

const T0 = '2024-01-01T00:00:00Z';

function pod(i: number, o: { ready?: boolean; deleting?: boolean; node?: string } = {}): Pod {
  const ip = `10.0.${i >> 8}.${i & 255}`;
  return {
    metadata: { name: `p${String(i).padStart(3, '0')}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: T0 } : {}) },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: T0 }] },
  };
}

const svc: Service = {
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: T0, labels: { tier: 'front' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.1', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
};

const LABELS = { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' };
const PORTS = [{ name: 'http', port: 8080, protocol: 'TCP' }];

function setup(pods: Pod[], slices: EndpointSlice[] = [], nodes: Node[] = []) {
  const stores = { s: new Store<Service>(), p: new Store<Pod>(), n: new Store<Node>(), e: new Store<EndpointSlice>() };
  stores.s.set(svc);
  pods.forEach((x) => stores.p.set(x));
  nodes.forEach((x) => stores.n.set(x));
  slices.forEach((x) => stores.e.set(x));
  const port = new FakeSlicePort();
  const sync = new EndpointSliceSync({
    services: new Lister(stores.s), pods: new Lister(stores.p), nodes: new Lister(stores.n), slices: new Lister(stores.e),
    port, recorder: { event: () => undefined }, clock: new FakeClock(new Date(T0)), maxEndpointsPerSlice: 100,
  });
  return { sync, port, slices: stores.e };
}

const endpointOf = (i: number) => ({
  addresses: [`10.0.${i >> 8}.${i & 255}`], conditions: { ready: true, serving: true, terminating: false },
  nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: `p${String(i).padStart(3, '0')}`, uid: `uid-${i}` },
});

const slice = (name: string, endpoints: unknown[]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '3', labels: LABELS },
  endpoints: endpoints as EndpointSlice['endpoints'], ports: PORTS,
});

describe('EndpointSliceSync', () => {
  it('creates one slice for the service, owned by it and labelled as ours', async () => {
    const { sync, port } = setup([pod(1), pod(2), pod(3)]);
    await sync.sync('ns/web');
    expect(port.calls.map((c) => c.verb)).toEqual(['create']);
    const s = port.calls[0]!.slice!;
    expect(s.metadata).toMatchObject({
      generateName: 'web-', namespace: 'ns', labels: LABELS,
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': T0 },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual(PORTS);
    expect(s.endpoints).toEqual([endpointOf(1), endpointOf(2), endpointOf(3)]);
  });

  const shapes: { name: string; pods: Pod[]; nodes?: Node[]; check(slices: EndpointSlice[]): void }[] = [
    {
      name: 'no pods: one empty placeholder slice',
      pods: [],
      check: (s) => expect(s.map((x) => [x.endpoints, x.ports])).toEqual([[[], undefined]]),
    },
    {
      name: 'more than 100 endpoints: slices of at most 100',
      pods: Array.from({ length: 150 }, (_, i) => pod(i + 1)),
      check: (s) => expect(s.map((x) => x.endpoints?.length)).toEqual([100, 50]),
    },
    {
      name: 'terminating and not-ready pods: conditions tell',
      pods: [pod(1, { deleting: true }), pod(2, { ready: false })],
      check: (s) => expect(s[0]!.endpoints?.map((e) => e.conditions)).toEqual([
        { ready: false, serving: true, terminating: true }, { ready: false, serving: false, terminating: false },
      ]),
    },
    {
      name: 'the zone comes from the node label',
      pods: [pod(1, { node: 'zoned' })],
      nodes: [{ metadata: { name: 'zoned', labels: { 'topology.kubernetes.io/zone': 'eu-1a' } } }],
      check: (s) => expect(s[0]!.endpoints?.[0]).toMatchObject({ nodeName: 'zoned', zone: 'eu-1a' }),
    },
  ];
  for (const c of shapes) {
    it(c.name, async () => {
      const { sync, port } = setup(c.pods, [], c.nodes);
      await sync.sync('ns/web');
      expect(port.calls.every((x) => x.verb === 'create')).toBe(true);
      c.check(port.calls.map((x) => x.slice!));
    });
  }

  it('keeps endpoints in their slice: a gone pod leaves, a new one joins the same slice', async () => {
    const { sync, port } = setup([pod(1), pod(3)], [slice('web-abcde', [endpointOf(1), endpointOf(2)])]);
    await sync.sync('ns/web');
    expect(port.calls.map((c) => [c.verb, c.name, c.slice?.endpoints?.map((e) => e.targetRef?.name)])).toEqual([['update', 'web-abcde', ['p001', 'p003']]]);
  });

  it('writes nothing when the slices are right', async () => {
    const { sync, port } = setup([pod(1), pod(2)], [slice('web-abcde', [endpointOf(1), endpointOf(2)])]);
    await sync.sync('ns/web');
    expect(port.calls).toEqual([]);
  });

  it('deletes slices left empty and replaces them with a placeholder when nothing remains', async () => {
    const { sync, port } = setup([], [slice('web-abcde', [endpointOf(1)])]);
    await sync.sync('ns/web');
    expect(port.calls.map((c) => [c.verb, c.name])).toEqual([['create', 'web-00001'], ['delete', 'web-abcde']]);
  });

  it('waits for its own creations to reach the cache before syncing again', async () => {
    const { sync, port, slices } = setup([pod(1)]);
    await sync.sync('ns/web');
    await expect(sync.sync('ns/web')).rejects.toThrow(/out of date/);
    slices.set({ ...port.calls[0]!.slice!, metadata: { ...port.calls[0]!.slice!.metadata, namespace: 'ns' } });
    await sync.sync('ns/web');
    expect(port.calls.length).toBe(1);
  });
});
