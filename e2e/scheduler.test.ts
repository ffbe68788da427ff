// The scheduler as `./k8ts up` runs it, driven with kubectl: pods land on nodes, a pod that fits
// nowhere says why in `kubectl describe`, `./k8ts why` explains each decision, and the
// scheduler's /metrics counts it all. Nodes are plain API objects here (no kubelet).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upCluster, type Cluster } from './cluster.ts';

let c: Cluster;
beforeAll(async () => {
  c = await upCluster();
  const nodes = ['node-a', 'node-b', 'node-c'].map((n) => `apiVersion: v1
kind: Node
metadata: {name: ${n}, labels: {kubernetes.io/hostname: ${n}}}
status:
  capacity: {cpu: "2", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
`).join('---\n');
  await c.kubectl(['create', '-f', '-'], { input: nodes });
}, 120_000);
afterAll(async () => {
  await c?.down();
});

const nodeOf = async (pod: string) => (await c.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).stdout;

async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  for (const end = Date.now() + ms; ;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const why = (pod: string) => c.k8ts('why', '--state-dir', join(c.dir, 'state'), pod).then((r) => r.stdout, (e: { stdout?: string }) => e.stdout ?? '');

describe('scheduling with kubectl', () => {
  it('binds a pod to a node, records Scheduled, and `k8ts why` shows every node’s verdict and scores', async () => {
    await c.kubectl(['run', 'hello', '--image=busybox', '--restart=Never']);
    const node = await eventually(() => nodeOf('hello'), (n) => n !== '');
    expect(['node-a', 'node-b', 'node-c']).toContain(node);
    const describe = await eventually(async () => (await c.kubectl(['describe', 'pod', 'hello'])).stdout, (s) => s.includes('Scheduled'));
    expect(describe).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/hello to ${node}`));

    const text = await why('hello');
    expect(text).toContain(`Scheduled on ${node}`);
    expect(text).toContain(`Successfully assigned default/hello to ${node}`);
    expect(text).toMatch(/NODE\s+FILTER\s+.*TOTAL/);
    expect(text).toMatch(new RegExp(`^\\*\\s+${node}\\s+passed`, 'm'));
    for (const n of ['node-a', 'node-b', 'node-c']) expect(text).toMatch(new RegExp(`${n}\\s+passed`));
  });

  it('a pod that fits nowhere stays Pending with the upstream message, and `k8ts why` names the filter', async () => {
    await c.kubectl(['run', 'huge', '--image=busybox', '--restart=Never', '--overrides={"spec":{"containers":[{"name":"huge","image":"busybox","resources":{"requests":{"cpu":"64"}}}]}}']);
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const describe = await eventually(async () => (await c.kubectl(['describe', 'pod', 'huge'])).stdout, (s) => s.includes('FailedScheduling'));
    expect(describe).toContain(message);
    expect((await c.kubectl(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[0].reason}'])).stdout).toBe('Unschedulable');
    const text = await why('huge');
    expect(text).toContain('Unschedulable');
    expect(text).toMatch(/node-a\s+NodeResourcesFit: Insufficient cpu/);

    const metrics = await (await fetch(`http://127.0.0.1:${c.schedulerPort}/metrics`)).text();
    expect(metrics).toMatch(/^scheduler_pending_pods\{queue="unschedulable"\} 1$/m);
    expect(metrics).toMatch(/^scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} [1-9]/m);
    expect(metrics).toMatch(/^leader_election_master_status 1$/m);
  });

  it('`k8ts why` for a pod it never saw says so', async () => {
    const text = await why('no-such-pod');
    expect(text).toContain('no scheduling cycle recorded for pod default/no-such-pod');
  });
});
