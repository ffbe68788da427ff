// PodSync on FakeRuntime and a FakeClock, with the real ProbeManager, CrashLoopBackoff and
// ImagePuller, a FakeMounter and a temporary root dir. Each test drives a pod through syncs the
// way its worker would and checks what a user sees: the pod's status, its events as
// `kubectl describe` lists them, and what the runtime was asked to do.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDefaults } from '@k8ts/api';
import { FakeClock } from '@k8ts/client';
import { criError, FakeRuntime, type ContainerBehaviour } from '@k8ts/cri';
import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashLoopBackoff } from '../kuberuntime/backoff.ts';
import { ProbeManager } from '../prober/manager.ts';
import { at, T0 } from '../status/fixtures.ts';
import { FakeMounter } from '../volumes/mounter.ts';
import { StaticVolumeSources } from '../volumes/sources.ts';
import { ImagePuller } from './images.ts';
import { PodSync, type PodEventSink, type PodSyncDeps } from './sync.ts';

class RecordingEvents implements PodEventSink {
  readonly events: string[] = [];
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push(`${pod.metadata?.name} ${type} ${reason}: ${message}`);
  }
  /** The events since the last call. */
  take(): string[] {
    return this.events.splice(0);
  }
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A node whose runtime holds busybox:1.36 and nothing else; `behaviour` scripts its containers by name. */
async function node(o: { behaviour?: (container: string) => ContainerBehaviour | undefined } = {}) {
  const clock = new FakeClock(T0);
  const runtime = new FakeRuntime({ clock, images: ['busybox:1.36'], behaviour: (config) => o.behaviour?.(config.metadata?.name ?? '') });
  const rootDir = await mkdtemp(join(tmpdir(), 'podsync-'));
  dirs.push(rootDir);
  const events = new RecordingEvents();
  const deps: PodSyncDeps = {
    runtime, images: runtime, clock, log: pino({ level: 'silent' }), rootDir,
    sandbox: { podLogsRoot: join(rootDir, 'logs'), cgroupParent: '/', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
    hostIPs: () => ['192.168.1.10'],
    allocatable: () => ({ cpu: '4', memory: '8Gi' }),
    sources: new StaticVolumeSources(),
    services: () => [],
    probes: new ProbeManager({ runtime, clock, random: () => 0 }),
    backoff: new CrashLoopBackoff({ clock }),
    puller: new ImagePuller(runtime, clock),
    events,
    mounter: new FakeMounter(),
  };
  return { clock, runtime, events, deps, sync: new PodSync(deps), calls: (method: string) => runtime.callCount(method) };
}

/** A pod as the API hands it to the kubelet: defaulted, scheduled, Pending. */
function apiPod(spec: Partial<PodSpec> = {}, containers: Partial<Container>[] = [{}]): Pod {
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', creationTimestamp: at(0) },
    spec: { nodeName: 'n1', containers: containers.map((c, i) => ({ name: i === 0 ? 'app' : `c${i}`, image: 'busybox:1.36', ...c })), ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) }] },
  };
  applyDefaults('Pod', pod);
  return pod;
}

const deleted = (pod: Pod, grace = 30): Pod => ({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: at(100), deletionGracePeriodSeconds: grace } });

describe('PodSync.sync: starting a pod', () => {
  it('runs the sandbox and the container, reports Running, with the upstream events', async () => {
    const n = await node();
    const result = await n.sync.sync(apiPod());
    expect(n.events.take()).toEqual([
      'web Normal Pulled: Container image "busybox:1.36" already present on machine',
      'web Normal Created: Created container app',
      'web Normal Started: Started container app',
    ]);
    expect(result.stopped).toBe(false);
    expect(result.requeueAfterMs).toBeUndefined();
    expect(result.status).toMatchObject({
      phase: 'Running', hostIP: '192.168.1.10', podIP: '10.88.0.2',
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
    });
    expect([n.calls('runPodSandbox'), n.calls('createContainer'), n.calls('startContainer')]).toEqual([1, 1, 1]);
    // The kubelet-managed hosts file names the pod at its IP.
    expect(await readFile(join(n.sync.podDir('uid-1'), 'etc-hosts'), 'utf8')).toMatch(/\n10\.88\.0\.2\tweb\n$/);
  });

  it('a second sync of a running pod changes nothing', async () => {
    const n = await node();
    await n.sync.sync(apiPod());
    n.events.take();
    const again = await n.sync.sync(apiPod());
    expect(n.events.take()).toEqual([]);
    expect([n.calls('runPodSandbox'), n.calls('createContainer')]).toEqual([1, 1]);
    expect(again.status.phase).toBe('Running');
  });
});

describe('PodSync.sync: containers that cannot start', () => {
  const cases: {
    name: string; container: Partial<Container>; behaviour?: ContainerBehaviour;
    waiting: { reason: string; message: string }; events: string[]; requeueAfterMs: number; phase?: string;
  }[] = [
    {
      name: 'an absent image with pull policy Never: ErrImageNeverPull',
      container: { image: 'nginx:1.25', imagePullPolicy: 'Never' },
      waiting: { reason: 'ErrImageNeverPull', message: 'Container image "nginx:1.25" is not present with pull policy of Never' },
      events: [
        'web Warning ErrImageNeverPull: Container image "nginx:1.25" is not present with pull policy of Never',
        'web Warning Failed: Error: ErrImageNeverPull',
      ],
      requeueAfterMs: 10_000,
    },
    {
      name: 'an image that cannot be pulled: ErrImagePull',
      container: { image: 'nginx:1.25' },
      waiting: {
        reason: 'ErrImagePull',
        message: 'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginx:1.25": failed to resolve reference "docker.io/library/nginx:1.25": docker.io/library/nginx:1.25: not found',
      },
      events: [
        'web Warning Failed: Failed to pull image "nginx:1.25": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginx:1.25": failed to resolve reference "docker.io/library/nginx:1.25": docker.io/library/nginx:1.25: not found',
        'web Warning Failed: Error: ErrImagePull',
      ],
      // ErrImagePull shows for half the first 10 s back-off before the pod is looked at again.
      requeueAfterMs: 5000,
    },
    {
      name: 'an env var from a configMap that does not exist: CreateContainerConfigError',
      container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] },
      waiting: { reason: 'CreateContainerConfigError', message: 'configmap "missing" not found' },
      events: ['web Normal Pulled: Container image "busybox:1.36" already present on machine', 'web Warning Failed: Error: configmap "missing" not found'],
      requeueAfterMs: 2000,
    },
    {
      name: 'a start the runtime refuses: RunContainerError',
      container: {},
      behaviour: { startError: 'exec: "nope": executable file not found in $PATH' },
      waiting: { reason: 'RunContainerError', message: 'failed to create containerd task: exec: "nope": executable file not found in $PATH' },
      events: [
        'web Normal Pulled: Container image "busybox:1.36" already present on machine',
        'web Normal Created: Created container app',
        'web Warning Failed: Error: failed to create containerd task: exec: "nope": executable file not found in $PATH',
      ],
      requeueAfterMs: 2000,
      // The failed attempt counts as a container restarting (restartPolicy Always).
      phase: 'Running',
    },
  ];
  it.each(cases)('$name', async ({ container, behaviour, waiting, events, requeueAfterMs, phase }) => {
    const n = await node({ ...(behaviour ? { behaviour: () => behaviour } : {}) });
    const result = await n.sync.sync(apiPod({}, [container]));
    expect(n.events.take()).toEqual(events);
    expect(result.requeueAfterMs).toBe(requeueAfterMs);
    expect(result.status.phase).toBe(phase ?? 'Pending');
    expect(result.status.containerStatuses?.[0]?.state).toEqual({ waiting });
  });

  it('a failed pull backs off: ImagePullBackOff, then a new pull once the back-off ends', async () => {
    const n = await node();
    const pod = apiPod({}, [{ image: 'nginx:1.25' }]);
    await n.sync.sync(pod);
    n.events.take();
    n.clock.step(5000);
    const during = await n.sync.sync(pod);
    expect(during.status.containerStatuses?.[0]?.state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.25"' });
    expect(n.events.take()).toEqual(['web Normal BackOff: Back-off pulling image "nginx:1.25"', 'web Warning Failed: Error: ImagePullBackOff']);
    expect(n.calls('pullImage')).toBe(1);
    n.clock.step(5000);
    const after = await n.sync.sync(pod);
    expect(after.status.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ErrImagePull');
    expect(n.calls('pullImage')).toBe(2);
  });

  it('a sandbox the runtime cannot create: FailedCreatePodSandBox with the runtime error, retried soon', async () => {
    const n = await node();
    n.runtime.failNext('runPodSandbox', criError('Unknown', 'failed to setup network for sandbox "abc": plugin type="bridge" failed (add): no IP addresses available'));
    const result = await n.sync.sync(apiPod());
    expect(n.events.take()).toEqual([
      'web Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="bridge" failed (add): no IP addresses available',
    ]);
    expect(result.requeueAfterMs).toBe(2000);
    expect(n.calls('createContainer')).toBe(0);
    await n.sync.sync(apiPod());
    expect(n.calls('startContainer')).toBe(1);
  });
});

describe('PodSync.sync: a crashing container', () => {
  it('restarts at once the first time, then waits in CrashLoopBackOff for 10 s, 20 s …', async () => {
    const n = await node({ behaviour: () => ({ exitAfterMs: 1000, exitCode: 1 }) });
    const pod = apiPod();
    await n.sync.sync(pod);
    await n.clock.advance(1000);
    // First exit: restarted at once.
    const first = await n.sync.sync(pod);
    expect(n.calls('startContainer')).toBe(2);
    expect(first.status.containerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
    n.events.take();
    await n.clock.advance(1000);
    // Second exit: held back 10 s.
    const held = await n.sync.sync(pod);
    expect(held.requeueAfterMs).toBe(1000);
    expect(held.status.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)' } },
      lastState: { terminated: { exitCode: 1 } },
    });
    expect(n.events.take()).toEqual(['web Warning BackOff: Back-off restarting failed container app in pod web_default(uid-1)']);
    expect(n.calls('startContainer')).toBe(2);
    await n.clock.advance(9000);
    expect((await n.sync.sync(pod)).status.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    await n.clock.advance(1000);
    const restarted = await n.sync.sync(pod);
    expect(n.calls('startContainer')).toBe(3);
    expect(restarted.status.containerStatuses?.[0]).toMatchObject({ restartCount: 2, state: { running: {} } });
    await n.clock.advance(1000);
    const next = await n.sync.sync(pod);
    expect(next.status.containerStatuses?.[0]?.state?.waiting?.message).toBe('back-off 20s restarting failed container=app pod=web_default(uid-1)');
  });

  it('restartPolicy Never: a failed container is not restarted and the pod fails', async () => {
    const n = await node({ behaviour: () => ({ exitAfterMs: 1000, exitCode: 2 }) });
    const pod = apiPod({ restartPolicy: 'Never' });
    await n.sync.sync(pod);
    await n.clock.advance(1000);
    const result = await n.sync.sync(pod);
    expect(n.calls('startContainer')).toBe(1);
    expect(result.status.phase).toBe('Failed');
    expect(result.status.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });
});

describe('PodSync.sync: postStart hooks', () => {
  it('a failing postStart hook kills the container and says so in an event, without the hook output', async () => {
    const n = await node({ behaviour: () => ({ execSync: () => ({ stdout: 'token=s3cr3t', exitCode: 3 }) }) });
    const result = await n.sync.sync(apiPod({}, [{ lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 3'] } } } }]));
    const events = n.events.take();
    expect(events).toContain('web Warning FailedPostStartHook: PostStartHook failed');
    expect(events.join('\n')).not.toContain('s3cr3t');
    expect(n.runtime.calls.filter((c) => c.method === 'execSync').map((c) => c.args[1])).toEqual([['sh', '-c', 'exit 3']]);
    expect(n.calls('stopContainer')).toBe(1);
    // The hook's output is for the container's waiting message; the command as Go prints a list.
    expect(result.status.containerStatuses?.[0]?.state?.waiting).toMatchObject({ reason: 'PostStartHookError' });
    expect(result.status.containerStatuses?.[0]?.state?.waiting?.message)
      .toMatch(/^Exec lifecycle hook \(\[sh -c exit 3\]\) for Container "app" in Pod "web_default\(uid-1\)" failed - error: .*, message: "token=s3cr3t"$/);
  });

  it('a passing postStart hook leaves the container running', async () => {
    const n = await node({ behaviour: () => ({ execSync: () => ({ exitCode: 0 }) }) });
    const result = await n.sync.sync(apiPod({}, [{ lifecycle: { postStart: { exec: { command: ['true'] } } } }]));
    expect(n.events.take().filter((e) => e.includes('Hook'))).toEqual([]);
    expect(n.calls('stopContainer')).toBe(0);
    expect(result.status.containerStatuses?.[0]?.state?.running).toBeDefined();
  });
});

describe('PodSync: termination', () => {
  it('a deleted pod is terminated: containers stopped with its grace period, sandbox stopped, stopped=true', async () => {
    const n = await node();
    const pod = apiPod();
    await n.sync.sync(pod);
    n.events.take();
    const result = await n.sync.sync(deleted(pod, 45));
    expect(result.stopped).toBe(true);
    expect(n.events.take()).toEqual(['web Normal Killing: Stopping container app']);
    expect(n.runtime.calls.filter((c) => c.method === 'stopContainer').map((c) => c.args[1])).toEqual([45]);
    expect(n.calls('stopPodSandbox')).toBe(1);
    expect(result.status.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    // Nothing is started again while it terminates.
    const again = await n.sync.sync(deleted(pod, 45));
    expect(again.stopped).toBe(true);
    expect([n.calls('runPodSandbox'), n.calls('startContainer')]).toEqual([1, 1]);
  });

  it('a failing preStop hook is reported without its output, and the container is stopped anyway', async () => {
    const n = await node({ behaviour: () => ({ execSync: () => ({ stderr: 'password=hunter2', exitCode: 1 }) }) });
    const pod = apiPod({}, [{ lifecycle: { preStop: { exec: { command: ['/drain'] } } } }]);
    await n.sync.sync(pod);
    n.events.take();
    const result = await n.sync.sync(deleted(pod));
    expect(n.events.take()).toEqual(['web Normal Killing: Stopping container app', 'web Warning FailedPreStopHook: PreStopHook failed']);
    expect(n.calls('stopContainer')).toBe(1);
    expect(result.stopped).toBe(true);
  });

  it('a pod deleted before it ever started is never started', async () => {
    const n = await node();
    const result = await n.sync.sync(deleted(apiPod()));
    expect(result.stopped).toBe(true);
    expect(n.calls('runPodSandbox')).toBe(0);
    expect(n.events.take()).toEqual([]);
  });

  it('a pod past its activeDeadlineSeconds fails with DeadlineExceeded and is killed', async () => {
    const n = await node();
    const pod = apiPod({ activeDeadlineSeconds: 30 });
    await n.sync.sync(pod);
    n.events.take();
    await n.clock.advance(30_000);
    const started = { ...pod, status: { ...pod.status, startTime: at(0) } };
    const result = await n.sync.sync(started);
    expect(result.status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(result.stopped).toBe(true);
    expect(n.events.take()).toEqual([
      'web Normal DeadlineExceeded: Pod was active on the node longer than the specified deadline',
      'web Normal Killing: Stopping container app',
    ]);
  });

  it('cleanup removes the sandboxes, containers and pod directory and forgets the pod, quietly', async () => {
    const n = await node();
    await n.sync.sync(apiPod());
    n.events.take();
    expect(n.sync.knows('uid-1')).toBe(true);
    await n.sync.cleanup('uid-1');
    expect(await n.runtime.listPodSandbox()).toEqual([]);
    expect(await n.runtime.listContainers()).toEqual([]);
    await expect(stat(n.sync.podDir('uid-1'))).rejects.toThrow(/ENOENT/);
    expect(n.sync.knows('uid-1')).toBe(false);
    // The kill of a pod already gone from the API uses the minimum grace period and no event.
    expect(n.runtime.calls.filter((c) => c.method === 'stopContainer').map((c) => c.args[1])).toEqual([2]);
    expect(n.events.take()).toEqual([]);
  });

  it('cleanup after a kubelet restart removes what the runtime still holds for the pod', async () => {
    const n = await node();
    await n.sync.sync(apiPod());
    const restarted = new PodSync(n.deps);
    expect(restarted.knows('uid-1')).toBe(false);
    await restarted.cleanup('uid-1');
    expect(await n.runtime.listPodSandbox()).toEqual([]);
    expect(await n.runtime.listContainers()).toEqual([]);
  });
});
