// The Endpoints and EndpointSlice controllers against a real API server: a service with three
// ready pods (the fake kubelet gives them IPs) gets both, and a deleted pod drops out of both.
import { resourceFor } from '@k8ts/api';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor as endpoints } from '../controllers/endpoints/index.ts';
import { descriptor as endpointslices } from '../controllers/endpointslice/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const SERVICES = resourceFor('', 'v1', 'services')!;
const ENDPOINTS = resourceFor('', 'v1', 'endpoints')!;
const SLICES = resourceFor('discovery.k8s.io', 'v1', 'endpointslices')!;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ descriptors: [endpoints, endpointslices] });
}, 60_000);
afterAll(async () => h?.stop());

const pod = (name: string): Pod => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
});

describe('endpoints and endpoint slices', () => {
  it('follow the ready pods of a service', async () => {
    const { client } = h;
    await client.create<Service>(SERVICES, {
      metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }, { namespace: 'default' });
    for (const n of ['web-a', 'web-b', 'web-c']) await client.create(PODS, pod(n), { namespace: 'default' });

    const ips = await until(async () => {
      const list = await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' });
      const got = list.items.map((p) => p.status?.podIP).filter(Boolean) as string[];
      return got.length === 3 && got;
    }, 20_000, 'pod IPs');

    const ep = await until(async () => {
      const e = await client.get<Endpoints>(ENDPOINTS, 'web', 'default').catch(() => undefined);
      return e?.subsets?.[0]?.addresses?.length === 3 && e;
    }, 20_000, 'endpoints with three addresses');
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip).sort()).toEqual([...ips].sort());
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.metadata?.labels).toEqual({ tier: 'front' });

    const slice = await until(async () => {
      const l = await client.list<EndpointSlice>(SLICES, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
      return l.items.length === 1 && l.items[0]!.endpoints?.length === 3 && l.items[0];
    }, 20_000, 'a slice with three endpoints');
    expect(slice.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints?.flatMap((e) => e.addresses).sort()).toEqual([...ips].sort());
    expect(slice.endpoints?.every((e) => e.conditions?.ready === true)).toBe(true);

    const gone = (await client.get<Pod>(PODS, 'web-b', 'default')).status!.podIP!;
    await client.delete(PODS, 'web-b', { namespace: 'default' });
    await until(async () => {
      const e = await client.get<Endpoints>(ENDPOINTS, 'web', 'default');
      const addrs = e.subsets?.[0]?.addresses?.map((a) => a.ip) ?? [];
      return addrs.length === 2 && !addrs.includes(gone);
    }, 20_000, 'the deleted pod to leave the endpoints');
    await until(async () => {
      const l = await client.list<EndpointSlice>(SLICES, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' });
      const addrs = l.items.flatMap((s) => s.endpoints ?? []).flatMap((e) => e.addresses);
      return addrs.length === 2 && !addrs.includes(gone);
    }, 20_000, 'the deleted pod to leave the slice');
  }, 60_000);

  it('deletes the endpoints of a deleted service', async () => {
    await h.client.delete(SERVICES, 'web', { namespace: 'default' });
    await until(async () => h.client.get(ENDPOINTS, 'web', 'default').then(() => false, (e: { code?: number }) => e.code === 404), 20_000, 'endpoints to go');
  }, 30_000);
});
