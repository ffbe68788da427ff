import { ApiError } from '@k8ts/api';
import { Lister, Store } from '@k8ts/client';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { FakeEndpointsPort } from './port.ts';
import { EndpointsSync, HEADLESS_LABEL, OVER_CAPACITY_ANNOTATION, TRIGGER_TIME_ANNOTATION } from './sync.ts';

const T0 = '2024-01-01T00:00:00Z';

function pod(name: string, ip: string, o: { ready?: boolean; labels?: Record<string, string>; deleting?: boolean; ports?: { name: string; containerPort: number }[]; hostname?: string; subdomain?: string; phase?: string } = {}): Pod {
  return {
    metadata: {
      name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1', labels: o.labels ?? { app: 'web' },
      ...(o.deleting ? { deletionTimestamp: T0 } : {}),
    },
    spec: {
      nodeName: 'node-1', containers: [{ name: 'c', ...(o.ports ? { ports: o.ports } : {}) }],
      ...(o.hostname ? { hostname: o.hostname } : {}), ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running', podIP: ip, podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: T0 }],
    },
  };
}

function svc(o: Partial<Service['spec']> = {}, labels?: Record<string, string>): Service {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: T0, ...(labels ? { labels } : {}) },
    spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...o },
  };
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` });
const addr = (name: string, ip: string) => ({ ip, nodeName: 'node-1', targetRef: ref(name) });

function setup(services: Service[], pods: Pod[], endpoints: Endpoints[] = []) {
  const s = new Store<Service>();
  services.forEach((x) => s.set(x));
  const p = new Store<Pod>();
  pods.forEach((x) => p.set(x));
  const e = new Store<Endpoints>();
  endpoints.forEach((x) => e.set(x));
  const port = new FakeEndpointsPort();
  const events: string[] = [];
  const sync = new EndpointsSync({
    services: new Lister(s), pods: new Lister(p), endpoints: new Lister(e), port,
    recorder: { event: (_o, type, reason, msg) => events.push(`${type} ${reason} ${msg}`) },
  });
  return { sync, port, events, endpoints: e };
}

describe('EndpointsSync subsets', () => {
  const cases: { name: string; svc: Service; pods: Pod[]; subsets: unknown }[] = [
    {
      name: 'ready pods share one subset, sorted by IP',
      svc: svc(),
      pods: [pod('b', '10.0.0.2'), pod('a', '10.0.0.10'), pod('c', '10.0.0.1')],
      subsets: [{ addresses: [addr('c', '10.0.0.1'), addr('a', '10.0.0.10'), addr('b', '10.0.0.2')], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
    {
      name: 'a not-ready pod goes to notReadyAddresses',
      svc: svc(),
      pods: [pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { ready: false })],
      subsets: [{ addresses: [addr('a', '10.0.0.1')], notReadyAddresses: [addr('b', '10.0.0.2')], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
    {
      name: 'publishNotReadyAddresses lists not-ready and terminating pods as ready',
      svc: svc({ publishNotReadyAddresses: true }),
      pods: [pod('a', '10.0.0.1', { ready: false }), pod('b', '10.0.0.2', { deleting: true })],
      subsets: [{ addresses: [addr('a', '10.0.0.1'), addr('b', '10.0.0.2')], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
    {
      name: 'terminating, finished, IP-less and unselected pods are left out',
      svc: svc(),
      pods: [
        pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { deleting: true }), pod('c', '10.0.0.3', { phase: 'Succeeded' }),
        pod('d', ''), pod('e', '10.0.0.5', { labels: { app: 'other' } }),
      ],
      subsets: [{ addresses: [addr('a', '10.0.0.1')], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
    {
      name: 'a named targetPort resolves per pod; a pod without it serves only the other port',
      svc: svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' }] }),
      pods: [pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 8081 }] }), pod('c', '10.0.0.3')],
      subsets: [
        { addresses: [addr('a', '10.0.0.1'), addr('b', '10.0.0.2'), addr('c', '10.0.0.3')], ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] },
        { addresses: [addr('a', '10.0.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
        { addresses: [addr('b', '10.0.0.2')], ports: [{ name: 'http', port: 8081, protocol: 'TCP' }] },
      ],
    },
    {
      name: 'pods serving the same ports are grouped with all their ports',
      svc: svc({ ports: [{ name: 'a', port: 80, targetPort: 80, protocol: 'TCP' }, { name: 'b', port: 81, targetPort: 81, protocol: 'UDP' }] }),
      pods: [pod('a', '10.0.0.1'), pod('b', '10.0.0.2')],
      subsets: [{ addresses: [addr('a', '10.0.0.1'), addr('b', '10.0.0.2')], ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 81, protocol: 'UDP' }] }],
    },
    {
      name: 'a headless service sets hostnames of pods in its subdomain and allows no ports',
      svc: svc({ clusterIP: 'None', ports: [] }),
      pods: [pod('a', '10.0.0.1', { hostname: 'a-0', subdomain: 'web' }), pod('b', '10.0.0.2', { hostname: 'b-0', subdomain: 'other' })],
      subsets: [{ addresses: [{ ip: '10.0.0.1', hostname: 'a-0', nodeName: 'node-1', targetRef: ref('a') }, addr('b', '10.0.0.2')] }],
    },
    {
      name: 'no pods: an object with no subsets',
      svc: svc(),
      pods: [],
      subsets: [],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { sync, port } = setup([c.svc], c.pods);
      await sync.sync('ns/web');
      expect(port.calls.map((x) => x.verb)).toEqual(['create']);
      expect(port.calls[0]!.obj!.subsets).toEqual(c.subsets);
    });
  }
});

describe('EndpointsSync lifecycle', () => {
  it('copies the service labels, marks headless services and sets the trigger time', async () => {
    const { sync, port } = setup([svc({ clusterIP: 'None' }, { tier: 'front' })], [pod('a', '10.0.0.1')]);
    await sync.sync('ns/web');
    const meta = port.calls[0]!.obj!.metadata!;
    expect(meta.labels).toEqual({ tier: 'front', [HEADLESS_LABEL]: '' });
    expect(meta.annotations).toEqual({ [TRIGGER_TIME_ANNOTATION]: T0 });
  });

  it('writes nothing when the endpoints are already right', async () => {
    const first = setup([svc({}, { tier: 'front' })], [pod('a', '10.0.0.1')]);
    await first.sync.sync('ns/web');
    const written = { ...first.port.calls[0]!.obj!, metadata: { ...first.port.calls[0]!.obj!.metadata, namespace: 'ns' } };
    const again = setup([svc({}, { tier: 'front' })], [{ ...pod('a', '10.0.0.1'), metadata: { ...pod('a', '10.0.0.1').metadata, resourceVersion: '7' } }], [written]);
    await again.sync.sync('ns/web');
    expect(again.port.calls).toEqual([]);
  });

  it('updates when a pod leaves', async () => {
    const existing: Endpoints = { metadata: { name: 'web', namespace: 'ns', resourceVersion: '5' }, subsets: [{ addresses: [addr('a', '10.0.0.1'), addr('b', '10.0.0.2')], ports: [{ port: 8080, protocol: 'TCP' }] }] };
    const { sync, port } = setup([svc()], [pod('a', '10.0.0.1')], [existing]);
    await sync.sync('ns/web');
    expect(port.calls.map((c) => [c.verb, c.obj?.subsets?.[0]?.addresses?.length])).toEqual([['update', 1]]);
    // The cache still holds version 5, which this sync replaced: the next sync must wait for it.
    await expect(sync.sync('ns/web')).rejects.toThrow(/out of date/);
    sync.observed('ns/web', '6');
    await sync.sync('ns/web');
  });

  it('deletes the endpoints of a deleted service', async () => {
    const { sync, port } = setup([], []);
    await sync.sync('ns/web');
    expect(port.calls).toEqual([{ verb: 'delete', namespace: 'ns', name: 'web' }]);
  });

  it('leaves services without a selector and ExternalName services alone', async () => {
    const { sync, port } = setup([svc({ selector: {} })], [pod('a', '10.0.0.1')]);
    await sync.sync('ns/web');
    const ext = setup([svc({ type: 'ExternalName' })], [pod('a', '10.0.0.1')]);
    await ext.sync.sync('ns/web');
    expect([...port.calls, ...ext.port.calls]).toEqual([]);
  });

  it('truncates over 1000 addresses, keeping ready ones first', async () => {
    const pods = Array.from({ length: 1005 }, (_, i) => pod(`p${i}`, `10.1.${i >> 8}.${i & 255}`, { ready: i >= 10 }));
    const { sync, port } = setup([svc()], pods);
    await sync.sync('ns/web');
    const ep = port.calls[0]!.obj!;
    expect(ep.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION]).toBe('truncated');
    expect(ep.subsets?.[0]?.addresses?.length).toBe(995);
    expect(ep.subsets?.[0]?.notReadyAddresses?.length).toBe(5);
  });

  it('records an event and retries when the create fails, but not in a terminating namespace', async () => {
    const { sync, port, events } = setup([svc()], [pod('a', '10.0.0.1')]);
    port.fail = new ApiError(500, 'InternalError', 'boom');
    await expect(sync.sync('ns/web')).rejects.toThrow('boom');
    expect(events).toEqual(['Warning FailedToCreateEndpoint Failed to create endpoint for service ns/web: boom']);
    port.fail = new ApiError(403, 'Forbidden', 'unable to create new content in namespace ns because it is being terminated');
    await sync.sync('ns/web');
    expect(events.length).toBe(1);
  });
});
