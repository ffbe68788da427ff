// kubectl 1.32, unchanged and without flags, reading a k8ts cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upCluster, type Cluster } from './cluster.ts';

let c: Cluster;
beforeAll(async () => {
  c = await upCluster();
  await c.kubectl(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
  await c.kubectl(['create', 'configmap', 'settings', '--from-literal=mode=fast']);
  await c.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
  // Like the three above, kubectl sends these bodies as protobuf.
  await c.kubectl(['create', 'secret', 'generic', 'creds', '--from-literal=token=abc']);
  await c.kubectl(['create', 'job', 'once', '--image=busybox:1.36', '--', 'echo', 'hi']);
  await c.kubectl(['create', 'cronjob', 'nightly', '--image=busybox:1.36', '--schedule=0 3 * * *']);
}, 120_000);
afterAll(async () => {
  await c?.down();
});

describe('kubectl reads', () => {
  it('lists the resources and versions a real cluster serves', async () => {
    const { stdout, stderr } = await c.kubectl(['api-resources']);
    expect(stderr).toBe('');
    const rows = stdout.trim().split('\n').map((l) => l.split(/\s+/));
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName.get('nodes')).toEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    expect(byName.get('leases')).toEqual(['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
    expect(byName.get('priorityclasses')).toEqual(['priorityclasses', 'pc', 'scheduling.k8s.io/v1', 'false', 'PriorityClass']);
    const versions = (await c.kubectl(['api-versions'])).stdout.trim().split('\n');
    expect(versions).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'policy/v1', 'scheduling.k8s.io/v1']));
  });

  it('prints the upstream columns, wide columns and every output format', async () => {
    // The controllers create the ReplicaSet and its two pods; with no kubelet none becomes ready.
    let get = await c.kubectl(['get', 'deployments']);
    for (const end = Date.now() + 15_000; !/^web\s+0\/2\s+2\s/m.test(get.stdout) && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 200));
      get = await c.kubectl(['get', 'deployments']);
    }
    expect(get.stderr).toBe('');
    expect(get.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(get.stdout).toMatch(/^web\s+0\/2\s+2\s+0\s+\d+s/m);
    const wide = await c.kubectl(['get', 'deploy', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide.stdout).toContain('nginx:1.27');
    const svc = await c.kubectl(['get', 'svc', 'web']);
    expect(svc.stdout).toMatch(/^web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP/m);
    const ns = await c.kubectl(['get', 'ns']);
    expect(ns.stdout).toMatch(/^kube-system\s+Active/m);
    const yaml = await c.kubectl(['get', 'cm', 'settings', '-o', 'yaml']);
    expect(yaml.stdout).toContain('mode: fast');
    const json = JSON.parse((await c.kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    expect(json.spec.replicas).toBe(2);
    const jp = await c.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(jp.stdout).toBe('10.96.0.1');
    const secret = await c.kubectl(['get', 'secret', 'creds', '-o', 'jsonpath={.data.token}']);
    expect(Buffer.from(secret.stdout, 'base64').toString()).toBe('abc');
    const batch = await c.kubectl(['get', 'jobs,cronjobs']);
    expect(batch.stdout).toMatch(/^job\.batch\/once\s+Running\s+0\/1/m);
    expect(batch.stdout).toMatch(/^cronjob\.batch\/nightly\s+0 3 \* \* \*/m);
    const names = await c.kubectl(['get', 'cm,deploy', '-o', 'name']);
    expect(names.stdout.split('\n')).toEqual(expect.arrayContaining(['configmap/settings', 'deployment.apps/web']));
  });

  it('gets every kind without an error', async () => {
    const kinds = ['pods', 'nodes', 'namespaces', 'services', 'endpoints', 'events', 'configmaps', 'secrets', 'serviceaccounts',
      'deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs', 'leases', 'endpointslices', 'poddisruptionbudgets', 'priorityclasses'];
    for (const k of kinds) {
      const res = await c.kubectl(['get', k, '-A'], { allowFail: true });
      expect(`${k}: ${res.code} ${res.stderr}`).toBe(`${k}: 0 ${res.stderr.includes('No resources found') ? res.stderr : ''}`);
    }
    const all = await c.kubectl(['get', 'all']);
    expect(all.stdout).toContain('deployment.apps/web');
    expect(all.stdout).toContain('service/kubernetes');
  });

  it('describes an object with its events', async () => {
    const pod = await c.kubectl(['run', 'described', '--image=busybox:1.36', '--restart=Never']);
    expect(pod.stdout).toContain('pod/described created');
    const uid = (await c.kubectl(['get', 'pod', 'described', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const event = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'described.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'described', namespace: 'default', uid, apiVersion: 'v1' },
      reason: 'Testing', message: 'an event kubectl describe must show', type: 'Normal', count: 1,
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z'), lastTimestamp: new Date().toISOString().replace(/\.\d+Z/, 'Z'),
      source: { component: 'e2e' },
    };
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(event) });
    const d = await c.kubectl(['describe', 'pod', 'described']);
    expect(d.stdout).toMatch(/^Name:\s+described$/m);
    expect(d.stdout).toMatch(/Status:\s+Pending/);
    expect(d.stdout).toMatch(/Normal\s+Testing\s+.*an event kubectl describe must show/);
  });

  it('watches with get -w and sees an update', async () => {
    const proc = c.kubectl(['get', 'configmaps', '-w', '--request-timeout=8s'], { allowFail: true });
    await new Promise((r) => setTimeout(r, 1500));
    await c.kubectl(['label', 'configmap', 'settings', 'seen=yes']);
    await c.kubectl(['create', 'configmap', 'watched']);
    const out = await proc;
    expect(out.stdout).toMatch(/^settings\s+1\s+/m);
    expect(out.stdout).toMatch(/^watched\s+0\s+/m);
  });

  it('explains fields from the served OpenAPI', async () => {
    const ex = await c.kubectl(['explain', 'pod.spec.containers.image']);
    expect(ex.stdout).toMatch(/FIELD:\s+image/);
    expect(ex.stdout).toMatch(/DESCRIPTION:/);
  });
});
