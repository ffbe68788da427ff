// The PLEG against FakeRuntime on a FakeClock: two pods, each one sandbox with one running
// container labelled as the kubelet labels them; each case changes the runtime between two
// relists and names the pods whose workers must be woken.
import { FakeClock, flush } from '@k8ts/client';
import { criError, FakeRuntime } from '@k8ts/cri';
import { describe, expect, it } from 'vitest';
import { LABELS } from '../status/labels.ts';
import { Pleg } from './pleg.ts';

const sandboxConfig = (uid: string, labelled = true) => ({
  metadata: { name: `pod-${uid}`, namespace: 'default', uid, attempt: 0 },
  labels: labelled ? { [LABELS.podUid]: uid } : {},
});

async function node() {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ clock, images: ['busybox'] });
  const woken: string[] = [];
  const pleg = new Pleg(runtime, clock, (uid) => woken.push(uid));
  const sandboxes = new Map<string, string>();
  const containers = new Map<string, string>();
  const startContainer = async (uid: string, name = 'app', labels: Record<string, string> = { [LABELS.podUid]: uid }) => {
    const id = await runtime.createContainer(sandboxes.get(uid)!, { metadata: { name }, image: { image: 'busybox' }, labels }, sandboxConfig(uid));
    await runtime.startContainer(id);
    return id;
  };
  const addPod = async (uid: string) => {
    sandboxes.set(uid, await runtime.runPodSandbox(sandboxConfig(uid)));
    containers.set(uid, await startContainer(uid));
  };
  await addPod('a');
  await addPod('b');
  return { clock, runtime, pleg, woken, sandboxes, containers, addPod, startContainer };
}

type Node = Awaited<ReturnType<typeof node>>;

describe('Pleg.relist', () => {
  it('the first relist only learns the state and wakes nobody', async () => {
    const n = await node();
    const pods = await n.pleg.relist();
    expect([...pods].sort()).toEqual(['a', 'b']);
    expect(n.woken).toEqual([]);
  });

  const cases: { name: string; change: (n: Node) => Promise<unknown>; want: string[] }[] = [
    { name: 'nothing changed', change: async () => undefined, want: [] },
    { name: 'a container exited', change: (n) => n.runtime.stopContainer(n.containers.get('a')!, 0), want: ['a'] },
    { name: 'a sandbox stopped', change: (n) => n.runtime.stopPodSandbox(n.sandboxes.get('b')!), want: ['b'] },
    {
      name: 'a container exited and was removed between relists',
      change: async (n) => {
        await n.runtime.stopContainer(n.containers.get('a')!, 0);
        await n.runtime.removeContainer(n.containers.get('a')!);
      },
      want: ['a'],
    },
    { name: 'a whole pod vanished', change: (n) => n.runtime.removePodSandbox(n.sandboxes.get('b')!), want: ['b'] },
    { name: 'a new container started', change: (n) => n.startContainer('a', 'sidecar'), want: ['a'] },
    { name: 'a new pod appeared', change: (n) => n.addPod('c'), want: ['c'] },
    {
      name: 'two pods changed',
      change: async (n) => {
        await n.runtime.stopContainer(n.containers.get('a')!, 0);
        await n.runtime.stopContainer(n.containers.get('b')!, 0);
      },
      want: ['a', 'b'],
    },
    { name: 'a container the kubelet did not label', change: (n) => n.startContainer('a', 'foreign', {}), want: [] },
  ];
  it.each(cases)('$name', async ({ change, want }) => {
    const n = await node();
    await n.pleg.relist();
    await change(n);
    await n.pleg.relist();
    expect([...n.woken].sort()).toEqual(want);
  });

  it('a container that exits on its own is noticed at the next relist, once', async () => {
    const n = await node();
    await n.pleg.relist();
    await n.runtime.stopContainer(n.containers.get('b')!, 0);
    await n.pleg.relist();
    await n.pleg.relist();
    expect(n.woken).toEqual(['b']);
  });

  it('names the pods the runtime holds, by label or else by sandbox metadata', async () => {
    const n = await node();
    await n.runtime.runPodSandbox(sandboxConfig('unlabelled', false));
    const pods = await n.pleg.relist();
    expect([...pods].sort()).toEqual(['a', 'b', 'unlabelled']);
  });
});

describe('Pleg.healthy', () => {
  const cases = [
    { name: 'no relist yet', relist: false, afterMs: 0, want: { ok: false, message: 'PLEG is not healthy: pleg has yet to be successful' } },
    { name: 'just relisted', relist: true, afterMs: 0, want: { ok: true, message: '' } },
    { name: 'exactly at the 3 min threshold', relist: true, afterMs: 180_000, want: { ok: true, message: '' } },
    {
      name: 'past the threshold',
      relist: true,
      afterMs: 181_000,
      want: { ok: false, message: 'PLEG is not healthy: pleg was last seen active 3m1s ago; threshold is 3m0s' },
    },
    {
      name: 'long past the threshold',
      relist: true,
      afterMs: 3_725_500,
      want: { ok: false, message: 'PLEG is not healthy: pleg was last seen active 1h2m5.5s ago; threshold is 3m0s' },
    },
  ];
  it.each(cases)('$name', async ({ relist, afterMs, want }) => {
    const n = await node();
    if (relist) await n.pleg.relist();
    n.clock.step(afterMs);
    expect(n.pleg.healthy()).toEqual(want);
  });

  it('a failed relist does not count as activity', async () => {
    const n = await node();
    await n.pleg.relist();
    n.clock.step(120_000);
    n.runtime.failNext('listContainers', criError('Unavailable', 'connection refused'));
    await expect(n.pleg.relist()).rejects.toThrow('connection refused');
    n.clock.step(61_000);
    expect(n.pleg.healthy().ok).toBe(false);
  });
});

describe('Pleg.run', () => {
  it('relists every period, reports failures and keeps going until aborted', async () => {
    const n = await node();
    const errors: string[] = [];
    const relists: string[][] = [];
    const abort = new AbortController();
    n.runtime.failNext('listPodSandbox', criError('Unavailable', 'connection refused'));
    const done = n.pleg.run(1000, abort.signal, (err) => errors.push((err as Error).message), (pods) => relists.push([...pods].sort()));
    await flush();
    expect(n.pleg.healthy().ok).toBe(false);
    await n.clock.advance(1000, 1000);
    await n.runtime.stopContainer(n.containers.get('a')!, 0);
    await n.clock.advance(2000, 1000);
    abort.abort();
    await done;
    expect(errors).toEqual([expect.stringContaining('connection refused')]);
    expect(relists).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b']]);
    expect(n.woken).toEqual(['a']);
    expect(n.pleg.healthy().ok).toBe(true);
    // Nothing relists after the abort.
    const calls = n.runtime.callCount('listPodSandbox');
    await n.clock.advance(5000, 1000);
    expect(n.runtime.callCount('listPodSandbox')).toBe(calls);
  });
});
