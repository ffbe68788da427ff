// Probe workers on a FakeClock: thresholds, initial delay, period, start-up gating, holds after
// a kill, container replacement and shutdown. Exec probes answer through FakeRuntime's ExecSync
// handler: the command's first word names a plan that says, by elapsed second, whether it passes.
import { FakeClock, flush } from '@k8ts/client';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { MemoryRecorder, podWith, runtimeWithContainer } from './fixtures.ts';
import { ProbeManager } from './manager.ts';
import type { ProbeKind } from './types.ts';

type Plan = (second: number) => boolean;
const pass: Plan = () => true;
const fail: Plan = () => false;
const from = (s: number): Plan => (t) => t >= s;
const until = (s: number): Plan => (t) => t < s;

const probe = (plan: string, timing: Partial<Probe> = {}): Probe => ({ exec: { command: [plan] }, ...timing });

async function harness(container: Partial<Container>, plans: Record<string, Plan>, opts: { random?: () => number; pod?: (p: Pod) => Pod } = {}) {
  const clock = new FakeClock();
  const t0 = clock.now().getTime();
  const second = () => (clock.now().getTime() - t0) / 1000;
  const calls: string[] = [];
  const { runtime, containerId, another } = await runtimeWithContainer({
    execSync: (cmd) => {
      calls.push(`${second()} ${cmd[0]}`);
      const ok = plans[cmd[0]!]?.(second()) ?? true;
      return ok ? { stdout: 'ok' } : { stdout: `${cmd[0]} says no`, exitCode: 1 };
    },
  });
  const recorder = new MemoryRecorder();
  const manager = new ProbeManager({ runtime, clock, recorder, random: opts.random ?? (() => 0) });
  const updates: string[] = [];
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    manager[kind].onUpdate((u) => updates.push(`${second()} ${kind}=${u.result}`));
  }
  const pod = opts.pod ? opts.pod(podWith(container)) : podWith(container);
  manager.addPod(pod, { app: { id: containerId, state: 'running', startedAt: clock.now() } });
  // Work due at the start of a run finishes before time moves on.
  const run = async (seconds: number) => {
    clock.step(0);
    await flush();
    await clock.advance(seconds * 1000, 1000);
  };
  return { clock, manager, updates, calls, recorder, containerId, another, run, uid: 'uid-1' };
}

describe('ProbeManager workers', () => {
  it.each<{ name: string; container: Partial<Container>; plans: Record<string, Plan>; seconds: number; updates: string[]; calls?: string[] }>([
    {
      name: 'readiness starts false and turns true on the first success',
      container: { readinessProbe: probe('ready') },
      plans: { ready: pass },
      seconds: 5,
      updates: ['0 readiness=Failure', '0 readiness=Success'],
    },
    {
      name: 'readiness successThreshold 2 needs two successes in a row',
      container: { readinessProbe: probe('ready', { periodSeconds: 5, successThreshold: 2 }) },
      plans: { ready: pass },
      seconds: 12,
      updates: ['0 readiness=Failure', '5 readiness=Success'],
    },
    {
      name: 'readiness goes false after failureThreshold failures and back',
      container: { readinessProbe: probe('ready', { periodSeconds: 1, failureThreshold: 2 }) },
      plans: { ready: (t) => t < 3 || t >= 6 },
      seconds: 8,
      updates: ['0 readiness=Failure', '0 readiness=Success', '4 readiness=Failure', '6 readiness=Success'],
    },
    {
      name: 'periodSeconds spaces the probes',
      container: { readinessProbe: probe('ready', { periodSeconds: 3 }) },
      plans: { ready: pass },
      seconds: 10,
      updates: ['0 readiness=Failure', '0 readiness=Success'],
      calls: ['0 ready', '3 ready', '6 ready', '9 ready'],
    },
    {
      name: 'liveness fails after failureThreshold and then holds',
      container: { livenessProbe: probe('live', { periodSeconds: 10, failureThreshold: 3 }) },
      plans: { live: until(15) },
      seconds: 70,
      updates: ['0 liveness=Success', '40 liveness=Failure'],
      calls: ['0 live', '10 live', '20 live', '30 live', '40 live'],
    },
    {
      name: 'initialDelaySeconds counts from the container start',
      container: { livenessProbe: probe('live', { initialDelaySeconds: 25, periodSeconds: 10, failureThreshold: 1 }) },
      plans: { live: fail },
      seconds: 35,
      updates: ['0 liveness=Success', '30 liveness=Failure'],
      calls: ['30 live'],
    },
    {
      name: 'startup gates liveness and readiness until it succeeds',
      container: {
        startupProbe: probe('start', { periodSeconds: 5, failureThreshold: 10 }),
        livenessProbe: probe('live', { periodSeconds: 10, failureThreshold: 1 }),
        readinessProbe: probe('ready', { periodSeconds: 10 }),
      },
      plans: { start: from(12), live: fail, ready: pass },
      seconds: 25,
      updates: ['0 startup=Unknown', '0 readiness=Failure', '0 liveness=Success', '15 startup=Success', '20 readiness=Success', '20 liveness=Failure'],
      calls: ['0 start', '5 start', '10 start', '15 start', '20 ready', '20 live'],
    },
    {
      name: 'startup fails after failureThreshold and holds',
      container: { startupProbe: probe('start', { periodSeconds: 5, failureThreshold: 2 }) },
      plans: { start: fail },
      seconds: 30,
      updates: ['0 startup=Unknown', '5 startup=Failure'],
      calls: ['0 start', '5 start'],
    },
  ])('$name', async ({ container, plans, seconds, updates, calls }) => {
    const h = await harness(container, plans);
    await h.run(seconds);
    expect(h.updates).toEqual(updates);
    if (calls) expect(h.calls).toEqual(calls);
    h.manager.stop();
  });

  it('waits a random part of the period before the first probe while the manager is new', async () => {
    const h = await harness({ readinessProbe: probe('ready', { periodSeconds: 10 }) }, { ready: pass }, { random: () => 0.5 });
    await h.run(16);
    expect(h.calls).toEqual(['5 ready', '15 ready']);
  });

  it.each([
    { name: 'an adopted container that started long ago is probed at once', startedAgo: 60, report: false, calls: ['0 live', '10 live', '20 live'] },
    { name: 'a repeated report without startedAt keeps the first start', startedAgo: 0, report: true, calls: ['20 live'] },
  ])('initial delay: $name', async ({ startedAgo, report, calls }) => {
    const h = await harness({ livenessProbe: probe('live', { initialDelaySeconds: 20, periodSeconds: 10 }) }, { live: pass });
    h.manager.updateContainer(h.uid, 'app', { id: h.containerId, state: 'running', startedAt: new Date(h.clock.now().getTime() - startedAgo * 1000) });
    await h.run(5);
    if (report) h.manager.updateContainer(h.uid, 'app', { id: h.containerId, state: 'running' });
    await h.run(16);
    expect(h.calls).toEqual(calls);
    h.manager.stop();
  });

  it('records an Unhealthy event for every failed liveness probe', async () => {
    const h = await harness({ livenessProbe: probe('live', { periodSeconds: 10 }) }, { live: fail });
    await h.run(25);
    expect(h.recorder.messages()).toEqual(Array(3).fill('Unhealthy: Liveness probe failed: live says no'));
  });

  it('resumes on a new container id with a fresh result', async () => {
    const h = await harness({ livenessProbe: probe('live', { periodSeconds: 10, failureThreshold: 1 }) }, { live: until(5) });
    await h.run(15);
    expect(h.manager.liveness.get(h.containerId)).toBe('Failure');
    h.manager.updateContainer(h.uid, 'app', { id: await h.another(), state: 'running' });
    await h.run(10);
    expect(h.manager.liveness.get(h.containerId)).toBeUndefined();
    expect(h.updates).toEqual(['0 liveness=Success', '10 liveness=Failure', '20 liveness=Success', '20 liveness=Failure']);
    h.manager.stop();
  });

  it.each([
    { name: 'Never: a terminated container ends the worker', restartPolicy: 'Never', worker: false },
    { name: 'Always: the worker waits for the restart', restartPolicy: 'Always', worker: true },
  ])('$name', async ({ restartPolicy, worker }) => {
    const h = await harness({ readinessProbe: probe('ready', { periodSeconds: 1 }) }, { ready: pass }, { pod: (p) => ({ ...p, spec: { ...p.spec!, restartPolicy } }) });
    await h.run(2);
    h.manager.updateContainer(h.uid, 'app', { id: h.containerId, state: 'terminated' });
    await h.run(2);
    expect(h.updates.at(-1)).toBe('3 readiness=Failure');
    expect(h.manager.hasWorker(h.uid, 'app', 'readiness')).toBe(worker);
    h.manager.stop();
  });

  it('a pod being deleted gets a quiet liveness success and its worker ends', async () => {
    const h = await harness({ livenessProbe: probe('live', { periodSeconds: 1 }) }, { live: fail }, {
      pod: (p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } }),
    });
    await h.run(3);
    expect(h.calls).toEqual([]);
    expect(h.manager.hasWorker(h.uid, 'app', 'liveness')).toBe(false);
  });

  it('stopLivenessAndStartup keeps readiness; removePod stops everything and forgets results', async () => {
    const h = await harness(
      { livenessProbe: probe('live'), readinessProbe: probe('ready'), startupProbe: probe('start') },
      { live: pass, ready: pass, start: pass },
    );
    await h.run(1);
    h.manager.stopLivenessAndStartup(h.uid);
    const has = (k: ProbeKind) => h.manager.hasWorker(h.uid, 'app', k);
    expect([has('liveness'), has('startup'), has('readiness')]).toEqual([false, false, true]);
    h.manager.removePod(h.uid);
    expect(has('readiness')).toBe(false);
    expect(h.manager.readiness.get(h.containerId)).toBeUndefined();
    expect(h.clock.pending).toBe(0);
  });

  it('probes sidecar init containers too', async () => {
    const h = await harness({}, { side: pass }, { pod: (p) => ({ ...p, spec: { ...p.spec!, initContainers: [{ name: 'proxy', restartPolicy: 'Always', readinessProbe: probe('side') }] } }) });
    const sidecar = await h.another('proxy');
    h.manager.updateContainer(h.uid, 'proxy', { id: sidecar, state: 'running' });
    await h.run(1);
    expect(h.manager.readiness.get(sidecar)).toBe('Success');
    h.manager.stop();
  });
});

describe('ProbeManager.containerStatus', () => {
  it.each<{ name: string; container: Partial<Container>; plans: Record<string, Plan>; seconds: number; want: { started: boolean; ready: boolean } }>([
    { name: 'no probes: started and ready', container: {}, plans: {}, seconds: 0, want: { started: true, ready: true } },
    { name: 'readiness not yet passed', container: { readinessProbe: probe('ready', { initialDelaySeconds: 30 }) }, plans: {}, seconds: 5, want: { started: true, ready: false } },
    { name: 'readiness passed', container: { readinessProbe: probe('ready') }, plans: { ready: pass }, seconds: 1, want: { started: true, ready: true } },
    { name: 'startup pending', container: { startupProbe: probe('start'), readinessProbe: probe('ready') }, plans: { start: fail }, seconds: 1, want: { started: false, ready: false } },
    { name: 'startup passed, no readiness probe', container: { startupProbe: probe('start') }, plans: { start: pass }, seconds: 1, want: { started: true, ready: true } },
  ])('$name', async ({ container, plans, seconds, want }) => {
    const h = await harness(container, plans);
    await h.run(seconds);
    expect(h.manager.containerStatus(h.uid, 'app')).toEqual(want);
    h.manager.stop();
  });

  it('a container that is not running is neither started nor ready', async () => {
    const h = await harness({}, {});
    h.manager.updateContainer(h.uid, 'app', { id: h.containerId, state: 'waiting' });
    expect(h.manager.containerStatus(h.uid, 'app')).toEqual({ started: false, ready: false });
  });

  it('asking about an unready container triggers its readiness probe at once', async () => {
    const h = await harness({ readinessProbe: probe('ready', { periodSeconds: 60 }) }, { ready: from(10) });
    await h.run(20);
    expect(h.manager.containerStatus(h.uid, 'app')).toEqual({ started: true, ready: false });
    await flush();
    expect(h.calls).toEqual(['0 ready', '20 ready']);
    expect(h.manager.containerStatus(h.uid, 'app')).toEqual({ started: true, ready: true });
    h.manager.stop();
  });
});
