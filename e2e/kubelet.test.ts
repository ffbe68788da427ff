// e2e: real nodes. `./k8ts up --nodes 2` (two kubelets, each with its own containerd, CNI bridge
// and pod CIDR) driven by /usr/bin/kubectl: pods run in containerd and reach Ready, logs and exec,
// crash loops with back-off, probes, init containers, env and every volume kind, OOMKilled,
// graceful delete, run-to-completion pods, static pods with mirror pods, a kubelet killed with
// SIGKILL and restarted, containerd stopped and started.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBusyboxImage } from '@k8ts/cri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL, upCluster, type Cluster } from './cluster.ts';

let c: Cluster;

beforeAll(async () => {
  c = await upCluster({ nodes: 2 });
}, 240_000);

afterAll(async () => {
  await c?.down();
}, 120_000);

interface NodeState { name: string; dir?: string; containerd: { pid: number }; kubelet?: { pid: number } }
const state = () => JSON.parse(readFileSync(join(c.dir, 'state', 'state.json'), 'utf8')) as { nodes: NodeState[] };
const nodeDir = (name: string) => join(c.dir, 'state', 'nodes', name);

const kubectl = async (...args: string[]) => (await c.kubectl(args)).stdout;
const apply = (yaml: string) => c.kubectl(['apply', '-f', '-'], { input: yaml });
const json = async <T = any>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;
async function eventually<T>(what: string, f: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const podRow = async (name: string) => (await kubectl('get', 'pod', name, '--no-headers')).trim().split(/\s+/);
const pod = (name: string) => json('get', 'pod', name);
const ready = (p: any) => p?.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True';

/** The safety rule: before any packet may go to a pod address, that address must not route to the default gateway. */
function assertPodRouteIsLocal(ip: string): void {
  const route = execFileSync('ip', ['route', 'get', ip], { encoding: 'utf8' });
  expect(route).not.toMatch(/ via /);
  expect(route).toMatch(/dev k8ts\d+/);
}

describe('k8ts up --nodes 2: pods on real nodes', () => {
  it('has two Ready nodes with their own pod CIDRs', async () => {
    const out = await kubectl('get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,CIDR:.spec.podCIDR,RUNTIME:.status.nodeInfo.containerRuntimeVersion', '--no-headers');
    const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(2);
    for (const [, isReady, cidr, runtime] of rows) {
      expect(isReady).toBe('True');
      expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
      expect(runtime).toMatch(/^containerd:\/\//);
    }
    expect(new Set(rows.map((r) => r[2])).size).toBe(2);
  });

  it('runs a Deployment whose pods get pod IPs, pass an httpGet readiness probe and serve each other', async () => {
    await apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        command: [sh, -c, 'hostname > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
`);
    await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s']);
    const pods = (await json('get', 'pods', '-l', 'app=web')).items;
    expect(pods).toHaveLength(4);
    expect(new Set(pods.map((p: any) => p.spec.nodeName)).size).toBe(2);
    for (const p of pods) {
      expect(p.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      assertPodRouteIsLocal(p.status.podIP);
    }
    // Pod to pod, across nodes, through the bridges and the host (never past it).
    const [a, b] = [pods.find((p: any) => p.spec.nodeName !== pods[0].spec.nodeName), pods[0]];
    const out = await kubectl('exec', a.metadata.name, '--', 'sh', '-c', `timeout 5 wget -qO- http://${b.status.podIP}:8080/index.html`);
    expect(out.trim()).toBe(b.metadata.name);
  }, 120_000);

  it('serves logs, logs -f and exec with the command exit code', async () => {
    await kubectl('run', 'talker', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'for i in 1 2 3; do echo line $i; done; sleep 2; echo last');
    await eventually('talker Running', async () => (await pod('talker')).status?.phase !== 'Pending');
    const followed = await kubectl('logs', '-f', 'talker');
    expect(followed).toBe('line 1\nline 2\nline 3\nlast\n');
    expect(await kubectl('logs', 'talker', '--tail=1')).toBe('last\n');
    const web = (await json('get', 'pods', '-l', 'app=web')).items[0].metadata.name;
    const r = await c.kubectl(['exec', web, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7'], { allowFail: true });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err');
    const piped = await c.kubectl(['exec', '-i', web, '--', 'tr', 'a-z', 'A-Z'], { input: 'shout\n' });
    expect(piped.stdout).toBe('SHOUT\n');
  }, 90_000);

  it('forwards a local port to a pod (kubectl port-forward) and attaches to a container\'s stdin (kubectl attach -i)', async () => {
    const web = (await json('get', 'pods', '-l', 'app=web')).items[0].metadata.name;
    const child = spawn(KUBECTL, ['port-forward', `pod/${web}`, ':8080'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.dir, KUBECONFIG: c.kubeconfig } });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      const port = await eventually('port-forward listening', async () => /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000);
      const body = await (await fetch(`http://127.0.0.1:${port}/index.html`)).text();
      expect(body.trim()).toBe(web);
    } finally {
      child.kill('SIGTERM');
    }
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  containers: [{name: reader, image: busybox:1.36, command: [sh, -c, 'read line; echo "got $line"; sleep 3600'], stdin: true}]
`);
    await eventually('reader Ready', async () => ready(await pod('reader')), 60_000);
    await c.kubectl(['attach', '-i', 'reader'], { input: 'hello\n', allowFail: true });
    await eventually('reader echoed', async () => (await kubectl('logs', 'reader')) === 'got hello\n', 20_000);
  }, 90_000);

  it('runs an image imported with ./k8ts load-image (no registry needed)', async () => {
    const image = await buildBusyboxImage({ names: ['example.local/hello:1.0'] });
    const archive = join(c.dir, 'hello.tar');
    writeFileSync(archive, image.archive);
    const { stdout } = await c.k8ts('load-image', '--state-dir', join(c.dir, 'state'), archive);
    expect(stdout.match(/imported into k8ts-node-\d+/g)).toHaveLength(2);
    await kubectl('run', 'hello', '--image=example.local/hello:1.0', '--restart=Never', '--', 'echo', 'hello from a loaded image');
    await eventually('hello Succeeded', async () => (await pod('hello')).status?.phase === 'Succeeded', 60_000);
    expect(await kubectl('logs', 'hello')).toBe('hello from a loaded image\n');
  }, 90_000);

  it('reports an image no node has as ErrImagePull, then ImagePullBackOff, with the runtime\'s message', async () => {
    await kubectl('run', 'ghost', '--image=registry.invalid/ghost:1.0');
    const seen = new Map<string, string>();
    await eventually('ErrImagePull and ImagePullBackOff', async () => {
      const w = (await pod('ghost')).status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason) seen.set(w.reason, w.message ?? '');
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
    }, 60_000);
    expect(seen.get('ErrImagePull')).toMatch(/^rpc error: code = \w+ desc = failed to pull and unpack image "registry\.invalid\/ghost:1\.0"/);
    expect(seen.get('ImagePullBackOff')).toBe('Back-off pulling image "registry.invalid/ghost:1.0"');
    await kubectl('delete', 'pod', 'ghost', '--wait=false');
  }, 90_000);

  it('restarts a crashing container with back-off: RESTARTS grows, STATUS shows CrashLoopBackOff', async () => {
    await kubectl('run', 'crasher', '--image=busybox:1.36', '--', 'sh', '-c', 'echo crash; exit 1');
    const row = await eventually('CrashLoopBackOff', async () => {
      const r = await podRow('crasher');
      return r[2] === 'CrashLoopBackOff' && Number(r[3]) >= 1 && r;
    }, 60_000);
    expect(row[1]).toBe('0/1');
    const p = await pod('crasher');
    expect(p.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(await kubectl('logs', 'crasher', '--previous')).toBe('crash\n');
    const events = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=crasher', '-o', 'custom-columns=R:.reason', '--no-headers');
    expect(events).toContain('BackOff');
  }, 90_000);

  it('runs init containers in order, then probes: readiness gates Ready, a failing liveness probe restarts', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  initContainers:
  - {name: first, image: busybox:1.36, command: [sh, -c, 'echo first > /work/order'], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: second, image: busybox:1.36, command: [sh, -c, 'echo second >> /work/order'], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'cat /work/order; touch /tmp/alive; sleep 4; touch /tmp/ready; sleep 4; rm /tmp/alive; exec sleep 3600']
    volumeMounts: [{name: work, mountPath: /work}]
    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
    livenessProbe: {exec: {command: [cat, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
  terminationGracePeriodSeconds: 2
  volumes: [{name: work, emptyDir: {}}]
`);
    await eventually('Running but not Ready', async () => { const r = await podRow('probed'); return r[2] === 'Running' && r[1] === '0/1'; }, 60_000);
    await eventually('Ready', async () => ready(await pod('probed')), 30_000);
    expect(await kubectl('logs', 'probed')).toBe('first\nsecond\n');
    const p = await eventually('restarted by liveness', async () => { const x = await pod('probed'); return x.status.containerStatuses[0].restartCount >= 1 && x; }, 60_000);
    expect(p.status.initContainerStatuses.map((s: any) => s.state.terminated?.reason)).toEqual(['Completed', 'Completed']);
    const events = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'custom-columns=R:.reason,M:.message', '--no-headers');
    expect(events).toMatch(/Unhealthy\s+Liveness probe failed/);
    expect(events).toMatch(/Killing\s+Container app failed liveness probe, will be restarted/);
  }, 120_000);

  it('gives containers env from values, the downward API, configMaps and secrets, and every volume kind', async () => {
    await kubectl('create', 'configmap', 'settings', '--from-literal=color=blue');
    await kubectl('create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2');
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: envvol, labels: {tier: e2e}}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'echo "$PLAIN $MY_POD $MY_IP_SET $COLOR $PASSWORD"; env | grep -c ^color=; cat /cm/color /sec/password /dw/labels /pj/color /pj/password; echo; echo hi > /ed/x; cat /ed/x; grep -c " /mem " /proc/mounts; test -f /host/hostname && echo hostpath']
    env:
    - {name: PLAIN, value: plain}
    - {name: MY_POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MY_IP_SET, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: settings, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    envFrom: [{configMapRef: {name: settings}}]
    volumeMounts:
    - {name: cm, mountPath: /cm}
    - {name: sec, mountPath: /sec}
    - {name: dw, mountPath: /dw}
    - {name: pj, mountPath: /pj}
    - {name: ed, mountPath: /ed}
    - {name: mem, mountPath: /mem}
    - {name: host, mountPath: /host, readOnly: true}
  volumes:
  - {name: cm, configMap: {name: settings}}
  - {name: sec, secret: {secretName: creds}}
  - {name: dw, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: pj, projected: {sources: [{configMap: {name: settings}}, {secret: {name: creds}}]}}
  - {name: ed, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory}}
  - {name: host, hostPath: {path: /etc, type: Directory}}
`);
    const p = await eventually('envvol Succeeded', async () => { const x = await pod('envvol'); return x.status.phase === 'Succeeded' && x; }, 60_000);
    const logs = await kubectl('logs', 'envvol');
    expect(logs).toBe(`plain envvol ${p.status.podIP} blue hunter2\n1\nbluehunter2tier="e2e"bluehunter2\nhi\n1\nhostpath\n`);
  }, 90_000);

  it('reports OOMKilled for a container over its memory limit, and Failed for a run-to-completion pod that fails', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers: [{name: hog, image: busybox:1.36, command: [sh, -c, 'tail /dev/zero'], resources: {limits: {memory: 16Mi}}}]
`);
    await kubectl('run', 'failer', '--image=busybox:1.36', '--restart=Never', '--', 'sh', '-c', 'exit 4');
    const hog = await eventually('hog Failed', async () => { const x = await pod('hog'); return x.status.phase === 'Failed' && x; }, 60_000);
    expect(hog.status.containerStatuses[0].state.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect((await podRow('hog'))[2]).toBe('OOMKilled');
    const failer = await eventually('failer Failed', async () => { const x = await pod('failer'); return x.status.phase === 'Failed' && x; }, 60_000);
    expect(failer.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 4, reason: 'Error' });
    expect((await pod('talker')).status.phase).toBe('Succeeded');
    expect((await podRow('talker'))[2]).toBe('Completed');
  }, 90_000);

  it('deletes gracefully: SIGTERM reaches the container, the pod goes once it has stopped', async () => {
    await kubectl('run', 'polite', '--image=busybox:1.36', '--', 'sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 0.2; done');
    await eventually('polite Ready', async () => ready(await pod('polite')), 60_000);
    const t0 = Date.now();
    await kubectl('delete', 'pod', 'polite', '--wait=true', '--timeout=60s');
    expect(Date.now() - t0).toBeLessThan(20_000);
    const gone = await c.kubectl(['get', 'pod', 'polite'], { allowFail: true });
    expect(gone.stderr).toContain('NotFound');
  }, 90_000);

  it('runs a static pod from a node\'s manifest directory with a mirror pod in the API', async () => {
    const node = state().nodes[0]!.name;
    writeFileSync(join(nodeDir(node), 'manifests', 'static-web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: static-web}\nspec:\n  containers: [{name: web, image: busybox:1.36, command: [sleep, "3600"]}]\n');
    const mirror = await eventually('mirror Running', async () => {
      const x = await c.kubectl(['get', 'pod', `static-web-${node}`, '-o', 'json'], { allowFail: true });
      const p = x.code === 0 ? JSON.parse(x.stdout) : undefined;
      return p?.status?.phase === 'Running' && p;
    }, 60_000);
    expect(mirror.metadata.annotations['kubernetes.io/config.mirror']).toBeTruthy();
    expect(mirror.metadata.ownerReferences[0]).toMatchObject({ kind: 'Node', name: node });
    expect(mirror.spec.nodeName).toBe(node);
  }, 90_000);

  it('survives kill -9 of a kubelet: containers keep running, the restarted kubelet adopts them', async () => {
    const web = (await json('get', 'pods', '-l', 'app=web')).items;
    const n = state().nodes[0]!;
    const before = web.filter((p: any) => p.spec.nodeName === n.name).map((p: any) => [p.metadata.name, p.status.containerStatuses[0].containerID]);
    expect(before.length).toBeGreaterThan(0);
    process.kill(n.kubelet!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    // With no kubelet, containerd is asked directly: every container still runs.
    const sock = join(nodeDir(n.name), 'containerd.sock');
    const tasks = execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', 'tasks', 'ls'], { encoding: 'utf8' });
    for (const [, id] of before) expect(tasks).toContain(String(id).replace('containerd://', ''));
    await c.k8ts('up', '--state-dir', join(c.dir, 'state'), '--kubeconfig', c.kubeconfig);
    await eventually('node Ready again', async () => (await kubectl('get', 'node', n.name, '--no-headers')).includes(' Ready '), 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const after = (await json('get', 'pods', '-l', 'app=web')).items.filter((p: any) => p.spec.nodeName === n.name);
    expect(after.map((p: any) => [p.metadata.name, p.status.containerStatuses[0].containerID])).toEqual(before);
    for (const p of after) expect(p.status.containerStatuses[0]).toMatchObject({ restartCount: 0, ready: true });
    const tasksAfter = execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', 'tasks', 'ls', '-q'], { encoding: 'utf8' }).trim().split('\n');
    expect(tasksAfter.length).toBe(tasks.trim().split('\n').length - 1);
  }, 120_000);

  it('goes NotReady with a reason when containerd stops, and Ready again when it is back', async () => {
    const n = state().nodes[1]!;
    process.kill(n.containerd.pid, 'SIGTERM');
    const cond = await eventually('NotReady', async () => {
      const node = await json('get', 'node', n.name);
      const r = node.status.conditions.find((x: any) => x.type === 'Ready');
      return r.status === 'False' && r;
    }, 60_000);
    expect(cond).toMatchObject({ reason: 'KubeletNotReady', message: 'container runtime is down' });
    await c.k8ts('up', '--state-dir', join(c.dir, 'state'), '--kubeconfig', c.kubeconfig);
    await eventually('Ready again', async () => (await kubectl('get', 'node', n.name, '--no-headers')).includes(' Ready '), 60_000);
    const web = (await json('get', 'pods', '-l', 'app=web')).items.filter((p: any) => p.spec.nodeName === n.name);
    for (const p of web) expect(p.status.containerStatuses[0].restartCount).toBe(0);
  }, 120_000);
});
