// The namespace and ServiceAccount controllers against a real API server: a new namespace gets
// its `default` ServiceAccount, and `kubectl delete namespace` with content in it finishes.
import { resourceFor } from '@k8ts/api';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor as namespaces } from '../controllers/namespace/index.ts';
import { descriptor as serviceaccounts } from '../controllers/serviceaccount/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const NAMESPACES = resourceFor('', 'v1', 'namespaces')!;
const SERVICE_ACCOUNTS = resourceFor('', 'v1', 'serviceaccounts')!;
const CONFIGMAPS = resourceFor('', 'v1', 'configmaps')!;
const SERVICES = resourceFor('', 'v1', 'services')!;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ descriptors: [namespaces, serviceaccounts] });
}, 60_000);
afterAll(async () => h?.stop());

const exists = (p: Promise<unknown>) => p.then(() => true, (e: { code?: number }) => (e.code === 404 ? false : Promise.reject(e)));

describe('namespaces', () => {
  it('get a default ServiceAccount, recreated when deleted', async () => {
    const { client } = h;
    await client.create<Namespace>(NAMESPACES, { metadata: { name: 'sa-test' } });
    await until(() => exists(client.get<ServiceAccount>(SERVICE_ACCOUNTS, 'default', 'sa-test')), 20_000, 'the default ServiceAccount');
    await client.delete(SERVICE_ACCOUNTS, 'default', { namespace: 'sa-test' });
    await until(() => exists(client.get<ServiceAccount>(SERVICE_ACCOUNTS, 'default', 'sa-test')), 20_000, 'the default ServiceAccount again');
  }, 60_000);

  it('are emptied and removed by kubectl delete namespace', async () => {
    const { client } = h;
    await client.create<Namespace>(NAMESPACES, { metadata: { name: 'doomed' } });
    await client.create(CONFIGMAPS, { metadata: { name: 'cm', namespace: 'doomed' }, data: { a: 'b' } }, { namespace: 'doomed' });
    await client.create(SERVICES, { metadata: { name: 'svc', namespace: 'doomed' }, spec: { ports: [{ port: 80 }] } }, { namespace: 'doomed' });
    await client.create(PODS, {
      metadata: { name: 'p', namespace: 'doomed' },
      spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'nginx' }] },
    }, { namespace: 'doomed' });
    const { stdout } = await promisify(execFile)('kubectl', [`--server=${h.cp.url}`, 'delete', 'namespace', 'doomed', '--timeout=40s'], { timeout: 50_000 });
    expect(stdout).toContain('namespace "doomed" deleted');
    expect(await exists(client.get(NAMESPACES, 'doomed'))).toBe(false);
    expect((await client.list(CONFIGMAPS, { namespace: 'doomed' })).items).toEqual([]);
  }, 60_000);
});
