// @kubernetes/client-node's informer against k8ts: adds, updates and deletes, and it carries on
// across an API server restart.
import * as k8s from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, upCluster, type Cluster } from './cluster.ts';

let c: Cluster;
beforeAll(async () => {
  c = await upCluster();
}, 120_000);
afterAll(async () => {
  await c?.down();
});


describe('@kubernetes/client-node', () => {
  it('informs about adds, updates and deletes, across an API server restart', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', () => setTimeout(() => void informer.start(), 500));
    await informer.start();

    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf' }, data: { v: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'inf', namespace: 'default', body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
    await until(() => seen.includes('delete inf'));
    expect(seen).toEqual(['add inf', 'update inf 2', 'delete inf']);

    // Restart the API server process (etcd stays): the informer must notice new objects after.
    // Kill the API server process (etcd stays); `k8ts up` starts what died on the same port.
    const state = JSON.parse(await readFile(`${c.dir}/state/state.json`, 'utf8')) as { components: { name: string; pid: number }[] };
    const api = state.components.find((x) => x.name === 'apiserver')!;
    process.kill(api.pid, 'SIGKILL');
    await until(() => {
      try {
        process.kill(api.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const restarted = await c.k8ts('up', '--state-dir', `${c.dir}/state`);
    expect(restarted.stdout).toContain('apiserver (restarted)');
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-restart' } } });
    await until(() => seen.includes('add after-restart'), 30_000);
    await informer.stop();
  }, 90_000);
});
