// The whole Kubelet against a real etcd + API server, on the fake runtime (the hollow-node
// set-up): pods bound to the node run and report status as upstream, crash loops back off,
// init containers run in order, run-to-completion pods finish, graceful deletion ends with the
// kubelet deleting the pod, activeDeadlineSeconds fails a pod, env and configMap volumes are
// resolved from the API, and a restarted kubelet adopts what runs instead of starting it twice.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client } from '@k8ts/client';
import { FakeRuntime } from '@k8ts/cri';
import { startControlPlane, until, type ControlPlane } from '@k8ts/testing';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hollowMachine } from './hollow.ts';
import { Kubelet, type KubeletConfig } from './kubelet.ts';
import { kubeletDefaults } from './options.ts';
import { FakeMounter } from './volumes/mounter.ts';

const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;
const EVENTS = resourceFor('', 'v1', 'events') as ResourceInfo;
const CONFIGMAPS = resourceFor('', 'v1', 'configmaps') as ResourceInfo;

let cp: ControlPlane;
let client: Client;
let root: string;
let runtime: FakeRuntime;
let stop: AbortController;
let running: Promise<void> | undefined;
let kubelet: Kubelet;
const NODE = 'fake-node';

function startKubelet(): void {
  const config: KubeletConfig = {
    ...kubeletDefaults(), nodeName: NODE, rootDir: join(root, 'kubelet'), podLogsDir: join(root, 'logs'), kubeletPort: 10250,
    relistMs: 100, nodeStatusUpdateMs: 500, backoffInitialMs: 400, backoffMaxMs: 1_600, syncMs: 5_000,
  };
  const { staticPodPath: _none, ...rest } = config;
  kubelet = new Kubelet(rest, {
    client, runtime, images: runtime, log: pino({ level: process.env.KUBELET_TEST_LOG ?? 'silent' }), registry: new Registry(),
    machine: async () => hollowMachine(NODE, 0), mounter: new FakeMounter(), memoryBackedContent: false,
  });
  stop = new AbortController();
  running = kubelet.run(stop.signal);
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client({ config: { server: cp.url }, timeoutMs: 5_000 });
  root = await mkdtemp(join(tmpdir(), 'k8ts-kubelet-it-'));
  runtime = new FakeRuntime({
    images: ['docker.io/library/busybox:1.36', 'registry.k8s.io/pause:3.10'],
    writeLogFiles: true,
    behaviour: (config) => {
      const cmd = [...(config.command ?? []), ...(config.args ?? [])].join(' ');
      if (cmd.includes('crash')) return { exitAfterMs: 50, exitCode: 1, logs: ['crashing'] };
      if (cmd.includes('done')) return { exitAfterMs: 50, exitCode: 0, logs: ['done'] };
      if (cmd.includes('fail')) return { exitAfterMs: 50, exitCode: 2 };
      return { logs: [`env ${(config.envs ?? []).map((e) => `${e.key}=${e.value}`).join(' ')}`] };
    },
  });
  startKubelet();
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await running;
  client?.close();
  await cp?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 30_000);

const getPod = (name: string) => client.get<Pod>(PODS, name, 'default').catch(() => undefined);
const create = (name: string, spec: Pod['spec']) =>
  client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, ...spec! } }, { namespace: 'default' });
const eventsFor = async (name: string) =>
  (await client.list<Event>(EVENTS, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` })).items.map((e) => `${e.reason}: ${e.message}`);
const condition = (p: Pod | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type)?.status;

describe('Kubelet on the fake runtime against a real API server', () => {
  it('registers its node Ready', async () => {
    await until(async () => {
      const n = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(resourceFor('', 'v1', 'nodes') as ResourceInfo, NODE).catch(() => undefined);
      return n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, 20_000, 'node Ready');
  });

  it('runs a pod to Running and Ready with upstream status, events and resolved env', async () => {
    await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { greeting: 'hello' } }, { namespace: 'default' });
    await create('web', {
      containers: [{
        name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } }, { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
      }],
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
    });
    const pod = await until(async () => { const p = await getPod('web'); return condition(p, 'Ready') === 'True' && p; }, 20_000, 'web Ready');
    expect(pod.status).toMatchObject({ phase: 'Running', hostIP: '127.1.0.1', qosClass: 'BestEffort' });
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(pod.status?.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\//);
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'PodScheduled']) expect(condition(pod, type)).toBe('True');
    const events = await until(async () => { const e = await eventsFor('web'); return e.some((x) => x.startsWith('Started')) && e; }, 10_000, 'events');
    expect(events).toEqual(expect.arrayContaining([
      'Pulled: Container image "busybox:1.36" already present on machine', 'Created: Created container app', 'Started: Started container app',
    ]));
    const logs = runtime.logs(pod.status!.containerStatuses![0]!.containerID!.replace('containerd://', '')).join('\n');
    expect(logs).toContain('GREETING=hello');
    expect(logs).toContain(`MY_NODE=${NODE}`);
    const volume = join(root, 'kubelet', 'pods', pod.metadata!.uid!, 'volumes', 'kubernetes.io~configmap', 'cfg', 'greeting');
    expect(await readFile(volume, 'utf8')).toBe('hello');
  });

  it('restarts a crashing container with back-off: CrashLoopBackOff, growing restartCount, lastState', async () => {
    await create('crasher', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['crash'] }] });
    const pod = await until(async () => {
      const p = await getPod('crasher');
      const s = p?.status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 2 && s?.state?.waiting?.reason === 'CrashLoopBackOff' && p;
    }, 20_000, 'crash loop');
    const s = pod.status!.containerStatuses![0]!;
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(s.state?.waiting?.message).toMatch(/^back-off \d+(\.\d+)?m?s restarting failed container=c pod=crasher_default\(/);
    expect(pod.status?.phase).toBe('Running');
    expect(await eventsFor('crasher')).toEqual(expect.arrayContaining([expect.stringMatching(/^BackOff: Back-off restarting failed container c in pod crasher_default/)]));
  });

  it('runs init containers in order, then the app; a Never pod that exits 0 Succeeds, one that fails is Failed', async () => {
    await create('inits', {
      restartPolicy: 'Never',
      initContainers: [{ name: 'one', image: 'busybox:1.36', command: ['done'] }, { name: 'two', image: 'busybox:1.36', command: ['done'] }],
      containers: [{ name: 'main', image: 'busybox:1.36', command: ['done'] }],
    });
    await create('failing', { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['fail'] }] });
    const ok = await until(async () => { const p = await getPod('inits'); return p?.status?.phase === 'Succeeded' && p; }, 20_000, 'Succeeded');
    expect(ok.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason])).toEqual([['one', 'Completed'], ['two', 'Completed']]);
    expect(ok.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const bad = await until(async () => { const p = await getPod('failing'); return p?.status?.phase === 'Failed' && p; }, 20_000, 'Failed');
    expect(bad.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });

  it('reports ErrImagePull then ImagePullBackOff for a missing image, and a missing configMap as CreateContainerConfigError', async () => {
    await create('noimage', { containers: [{ name: 'c', image: 'example.invalid/none:1' }] });
    await create('nocfg', { containers: [{ name: 'c', image: 'busybox:1.36', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] }] });
    const reasons = new Set<string>();
    await until(async () => {
      const r = (await getPod('noimage'))?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (r) reasons.add(r);
      return reasons.has('ErrImagePull') && reasons.has('ImagePullBackOff');
    }, 20_000, 'image pull errors');
    const nocfg = await until(async () => { const p = await getPod('nocfg'); return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' && p; }, 20_000, 'config error');
    expect(nocfg.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe('configmap "missing" not found');
  });

  it('fails a pod past its activeDeadlineSeconds with reason DeadlineExceeded', async () => {
    await create('deadline', { activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] });
    const pod = await until(async () => { const p = await getPod('deadline'); return p?.status?.phase === 'Failed' && p; }, 20_000, 'deadline');
    expect(pod.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
  });

  it('deletes gracefully: containers are stopped, then the kubelet removes the pod object', async () => {
    await create('victim', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] });
    const pod = await until(async () => { const p = await getPod('victim'); return condition(p, 'Ready') === 'True' && p; }, 20_000, 'victim Ready');
    const id = pod.status!.containerStatuses![0]!.containerID!.replace('containerd://', '');
    await client.delete(PODS, 'victim', { namespace: 'default' });
    await until(async () => (await getPod('victim')) === undefined, 20_000, 'pod object gone');
    const after = await runtime.listContainers();
    expect(after.find((c) => c.id === id)).toBeUndefined();
    expect(await eventsFor('victim')).toContain('Killing: Stopping container c');
  });

  it('after a restart adopts running containers: none started twice, none killed', async () => {
    const before = (await getPod('web'))!.status!.containerStatuses![0]!.containerID;
    stop.abort();
    await running;
    const creates = runtime.calls.filter((c) => c.method === 'createContainer').length;
    startKubelet();
    await until(async () => kubelet.healthy(), 10_000, 'kubelet healthy again');
    await new Promise((r) => setTimeout(r, 1_500));
    const pod = await getPod('web');
    expect(pod?.status?.containerStatuses?.[0]).toMatchObject({ containerID: before, restartCount: 0, ready: true });
    const newCreates = runtime.calls.filter((c) => c.method === 'createContainer').slice(creates).map((c) => JSON.stringify(c.args[1]));
    expect(newCreates.filter((c) => c.includes('"name":"app"'))).toEqual([]);
  });
});
