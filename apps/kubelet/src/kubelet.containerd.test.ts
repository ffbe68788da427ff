// The Kubelet with a real containerd (a private one in a temp dir) and a real API server.
// hostNetwork pods only: no pod network exists here, so nothing is ever sent to a pod address.
// Real processes run: exec probes, volumes on disk and tmpfs, memory limits in cgroups, signals.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client } from '@k8ts/client';
import { cleanupContainerd, CriClient, DEFAULT_SANDBOX_IMAGE, importBaseImages, mountsUnder, startContainerd, type ContainerdProcess } from '@k8ts/cri';
import { startControlPlane, until, type ControlPlane } from '@k8ts/testing';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kubelet } from './kubelet.ts';
import { kubeletDefaults } from './options.ts';

const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;
const NODES = resourceFor('', 'v1', 'nodes') as ResourceInfo;
const EVENTS = resourceFor('', 'v1', 'events') as ResourceInfo;
const SECRETS = resourceFor('', 'v1', 'secrets') as ResourceInfo;
const CONFIGMAPS = resourceFor('', 'v1', 'configmaps') as ResourceInfo;
const NODE = 'real-node';
const CGROUP_ROOT = `/k8ts-kubelet-it-${process.pid}`;

let cp: ControlPlane;
let client: Client;
let dir: string;
let containerd: ContainerdProcess | undefined;
let cri: CriClient;
let kubelet: Kubelet;
let stop: AbortController;
let running: Promise<void> | undefined;

function startKubelet(): void {
  const { staticPodPath: _none, ...defaults } = kubeletDefaults();
  kubelet = new Kubelet(
    {
      ...defaults, nodeName: NODE, nodeIP: '127.0.0.1', rootDir: join(dir, 'kubelet'), podLogsDir: join(dir, 'pod-logs'), kubeletPort: 10250,
      cgroupRoot: CGROUP_ROOT, relistMs: 200, nodeStatusUpdateMs: 500, backoffInitialMs: 500, backoffMaxMs: 2_000, staticPodPath: join(dir, 'manifests'),
    },
    { client, runtime: cri, images: cri, log: pino({ level: process.env.KUBELET_TEST_LOG ?? 'silent' }), registry: new Registry() },
  );
  stop = new AbortController();
  running = kubelet.run(stop.signal);
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client({ config: { server: cp.url }, timeoutMs: 10_000 });
  dir = await mkdtemp(join(tmpdir(), 'k8ts-kubelet-cri-'));
  containerd = await startContainerd({ nodeDir: join(dir, 'containerd'), sandboxImage: DEFAULT_SANDBOX_IMAGE });
  await importBaseImages({ socket: containerd.paths.socket, dir });
  cri = new CriClient({ endpoint: containerd.endpoint, timeoutMs: 30_000 });
  startKubelet();
}, 120_000);

afterAll(async () => {
  stop?.abort();
  await running;
  // Everything the pods left: sandboxes through CRI, then containerd's own leftovers and our cgroups.
  for (const s of (await cri?.listPodSandbox().catch(() => [])) ?? []) {
    await cri.stopPodSandbox(s.id).catch(() => undefined);
    await cri.removePodSandbox(s.id).catch(() => undefined);
  }
  cri?.close();
  await containerd?.stop();
  if (dir) await cleanupContainerd({ nodeDir: join(dir, 'containerd'), cgroupParents: [CGROUP_ROOT] });
  client?.close();
  await cp?.stop();
  // The pods still running at the end kept their tmpfs volumes (secret, downwardAPI, projected,
  // emptyDir Memory): unmount everything under the test's directory, deepest first, and remove
  // files only when nothing is mounted there any more.
  if (dir) {
    for (const m of mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir)) {
      try {
        execFileSync('umount', [m]);
      } catch {
        execFileSync('umount', ['-l', m]);
      }
    }
    if (mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir).length === 0) await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

const getPod = (name: string) => client.get<Pod>(PODS, name, 'default').catch(() => undefined);
const create = (name: string, spec: Pod['spec'], meta: Pod['metadata'] = {}) =>
  client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName: NODE, hostNetwork: true, ...spec! } }, { namespace: 'default' });
const condition = (p: Pod | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type)?.status;
const waitFor = (name: string, what: string, ok: (p: Pod) => boolean, ms = 30_000) =>
  until(async () => { const p = await getPod(name); return p && ok(p) && p; }, ms, `${name}: ${what}`);
const logOf = async (pod: Pod, container: string) => {
  const id = pod.status?.containerStatuses?.find((c) => c.name === container)?.containerID?.replace('containerd://', '') ?? '';
  const path = (await cri.containerStatus(id)).status?.log_path ?? '';
  return readFileSync(path, 'utf8').split('\n').map((l) => l.split(' ').slice(3).join(' ')).join('\n');
};
const BUSYBOX = 'busybox:1.36';

describe('Kubelet with a real containerd', () => {
  it('registers its node, NotReady while the runtime has no pod network (no CNI config here)', async () => {
    const node = await until(async () => {
      const n = await client.get<Node>(NODES, NODE).catch(() => undefined);
      return n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False' && n;
    }, 30_000, 'node NotReady');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/network/i);
    console.log(`Ready condition without CNI: ${JSON.stringify(node.status?.conditions?.find((c) => c.type === 'Ready'))}`);
  });

  it('runs a pod with every volume kind and env, readiness by exec probe', async () => {
    await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { 'mode.conf': 'fast' } }, { namespace: 'default' });
    await client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret' }, data: { token: Buffer.from('s3cret').toString('base64') } }, { namespace: 'default' });
    const script = [
      'cat /cfg/mode.conf; echo', 'cat /sec/token; echo', 'cat /info/labels; echo', 'cat /proj/mode.conf /proj/token; echo',
      'echo scratch > /scratch/f && cat /scratch/f', 'grep -c " /mem " /proc/mounts', 'ls /host-etc/hostname', 'echo "ENV=$FROM_SECRET/$POD_NAME"',
      'touch /tmp/ready', 'exec sleep 3600',
    ].join('; ');
    await create('volumes', {
      containers: [{
        name: 'app', image: BUSYBOX, command: ['sh', '-c', script],
        env: [
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'token' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
        volumeMounts: [
          { name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }, { name: 'info', mountPath: '/info' },
          { name: 'proj', mountPath: '/proj' }, { name: 'scratch', mountPath: '/scratch' }, { name: 'mem', mountPath: '/mem' },
          { name: 'host', mountPath: '/host-etc', readOnly: true },
        ],
      }],
      volumes: [
        { name: 'cfg', configMap: { name: 'app-config' } },
        { name: 'sec', secret: { secretName: 'app-secret' } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'proj', projected: { sources: [{ configMap: { name: 'app-config' } }, { secret: { name: 'app-secret' } }] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory' } },
        { name: 'host', hostPath: { path: '/etc', type: 'Directory' } },
      ],
    }, { labels: { app: 'demo' } });
    const pod = await waitFor('volumes', 'Ready', (p) => condition(p, 'Ready') === 'True');
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1' });
    const log = await logOf(pod, 'app');
    expect(log).toContain('fast\ns3cret\napp="demo"\nfasts3cret');
    expect(log).toContain('scratch\n1\n/host-etc/hostname\nENV=s3cret/volumes');
  });

  it('restarts a container whose liveness probe fails, and counts it', async () => {
    await create('liveness', {
      containers: [{
        name: 'app', image: BUSYBOX, command: ['sh', '-c', 'touch /tmp/alive; sleep 2; rm /tmp/alive; exec sleep 3600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
      terminationGracePeriodSeconds: 1,
    });
    const pod = await waitFor('liveness', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 40_000);
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    const events = (await client.list<Event>(EVENTS, { namespace: 'default', fieldSelector: 'involvedObject.name=liveness' })).items;
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Unhealthy: Liveness probe failed: cat: can't open '\/tmp\/alive': No such file or directory/),
      'Killing: Container app failed liveness probe, will be restarted',
    ]));
  });

  it('reports OOMKilled for a container over its memory limit', async () => {
    await create('oom', {
      restartPolicy: 'Never',
      containers: [{ name: 'hog', image: BUSYBOX, command: ['sh', '-c', 'tail /dev/zero'], resources: { limits: { memory: '16Mi' } } }],
    });
    const pod = await waitFor('oom', 'Failed', (p) => p.status?.phase === 'Failed', 60_000);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('runs preStop, then SIGTERM, on delete; the kubelet removes the pod once it stopped', async () => {
    await create('graceful', {
      containers: [{
        name: 'app', image: BUSYBOX, command: ['sh', '-c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.2; done'],
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo prestop > /proc/1/fd/1'] } } },
      }],
    });
    const pod = await waitFor('graceful', 'Running', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
    const id = pod.status!.containerStatuses![0]!.containerID!.replace('containerd://', '');
    const logPath = (await cri.containerStatus(id)).status!.log_path;
    await client.delete(PODS, 'graceful', { namespace: 'default', gracePeriodSeconds: 10 });
    await until(async () => (await getPod('graceful')) === undefined, 30_000, 'graceful gone');
    const log = readFileSync(logPath, 'utf8');
    expect(log).toMatch(/prestop[\s\S]*got TERM/);
  });

  it('runs a static pod from the manifest directory and mirrors it into the API', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'manifests'), { recursive: true });
    await writeFile(join(dir, 'manifests', 'static.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: static-web, namespace: default}',
      'spec: {hostNetwork: true, containers: [{name: web, image: busybox:1.36, command: [sleep, "3600"]}]}', '',
    ].join('\n'));
    const mirror = await waitFor(`static-web-${NODE}`, 'mirror Running', (p) => p.status?.phase === 'Running', 40_000);
    expect(mirror.metadata?.annotations?.['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
    expect(mirror.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: NODE, controller: true });
    // Deleting the mirror does not stop the static pod: the kubelet recreates the mirror.
    await client.delete(PODS, `static-web-${NODE}`, { namespace: 'default', gracePeriodSeconds: 0 });
    const again = await waitFor(`static-web-${NODE}`, 'mirror back', (p) => p.metadata?.uid !== mirror.metadata?.uid && p.status?.phase === 'Running', 40_000);
    expect(again.status?.containerStatuses?.[0]?.containerID).toBe(mirror.status?.containerStatuses?.[0]?.containerID);
    // Removing the manifest stops the pod and deletes its mirror.
    await rm(join(dir, 'manifests', 'static.yaml'));
    await until(async () => (await getPod(`static-web-${NODE}`)) === undefined, 40_000, 'mirror deleted');
  });

  it('adopts running containers after a restart: nothing started twice, nothing killed', async () => {
    const before = await getPod('volumes');
    const id = before?.status?.containerStatuses?.[0]?.containerID;
    const containersBefore = (await cri.listContainers()).length;
    stop.abort();
    await running;
    expect((await cri.containerStatus(id!.replace('containerd://', ''))).status?.state).toBe('CONTAINER_RUNNING');
    startKubelet();
    await until(async () => kubelet.healthy(), 20_000, 'healthy');
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await getPod('volumes');
    expect(after?.status?.containerStatuses?.[0]).toMatchObject({ containerID: id, restartCount: 0, ready: true });
    expect((await cri.listContainers()).length).toBeLessThanOrEqual(containersBefore);
    expect(await readdir(join(dir, 'kubelet', 'pods'))).toContain(after?.metadata?.uid);
  });
});
