import { FakeClock, flush } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../framework/pod-info.ts';
import { makePod } from '../framework/testing.ts';
import { EVENTS, type ClusterEvent } from './events.ts';
import { QueueClosedError, type QueuedPodInfo } from './queued-pod-info.ts';
import { SchedulingQueue } from './scheduling-queue.ts';

function setup() {
  const clock = new FakeClock();
  const queue = new SchedulingQueue({ clock });
  return { clock, queue };
}

/** Pops `pod` (which must be next) and gives it back as rejected by `plugins`. */
async function failOnce(queue: SchedulingQueue, plugins: string[]): Promise<QueuedPodInfo> {
  const q = await queue.pop();
  const cycle = queue.schedulingCycle();
  q.unschedulablePlugins = new Set(plugins);
  queue.addUnschedulableIfNotPresent(q, cycle);
  queue.done(q.pod.metadata!.uid!);
  return q;
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name).sort();

describe('SchedulingQueue ordering', () => {
  const cases: { name: string; pods: { name: string; priority?: number }[]; want: string[] }[] = [
    { name: 'first in, first out at equal priority', pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], want: ['a', 'b', 'c'] },
    {
      name: 'higher priority first',
      pods: [{ name: 'low', priority: 1 }, { name: 'high', priority: 100 }, { name: 'none' }],
      want: ['high', 'low', 'none'],
    },
    {
      name: 'negative priority after unset',
      pods: [{ name: 'neg', priority: -5 }, { name: 'zero' }],
      want: ['zero', 'neg'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { clock, queue } = setup();
      for (const p of c.pods) {
        queue.add(makePod(p.name, p.priority === undefined ? {} : { priority: p.priority }));
        clock.step(1);
      }
      const got: string[] = [];
      for (const _ of c.pods) got.push((await queue.pop()).pod.metadata!.name!);
      expect(got).toEqual(c.want);
    });
  }

  it('an update raising priority reorders activeQ', async () => {
    const { clock, queue } = setup();
    const a = makePod('a');
    const b = makePod('b');
    queue.add(a);
    clock.step(1);
    queue.add(b);
    queue.update(b, { ...b, spec: { ...b.spec!, priority: 10 } });
    expect(queue.pendingPods()).toEqual({ active: 2, backoff: 0, unschedulable: 0 });
    expect((await queue.pop()).pod.metadata?.name).toBe('b');
  });
});

describe('SchedulingQueue pop', () => {
  it('waits for a pod without polling, counts attempts and cycles', async () => {
    const { clock, queue } = setup();
    let got: QueuedPodInfo | undefined;
    const popping = queue.pop().then((q) => (got = q));
    await flush();
    expect(got).toBeUndefined();
    expect(clock.pending).toBe(0);
    queue.add(makePod('a'));
    await popping;
    expect(got?.pod.metadata?.name).toBe('a');
    expect(got?.attempts).toBe(1);
    expect(got?.initialAttemptTimestamp).toEqual(clock.now());
    expect(queue.schedulingCycle()).toBe(1);
  });

  it('two waiting pops share one pod: only one gets it', async () => {
    const { queue } = setup();
    const got: string[] = [];
    const p1 = queue.pop().then((q) => got.push(q.pod.metadata!.name!));
    const p2 = queue.pop().then((q) => got.push(q.pod.metadata!.name!));
    queue.add(makePod('a'));
    await flush();
    expect(got).toEqual(['a']);
    queue.add(makePod('b'));
    await Promise.all([p1, p2]);
    expect(got.sort()).toEqual(['a', 'b']);
  });

  it('close rejects waiting and later pops', async () => {
    const { queue } = setup();
    const waiting = queue.pop();
    queue.close();
    await expect(waiting).rejects.toBeInstanceOf(QueueClosedError);
    await expect(queue.pop()).rejects.toThrow('scheduling queue is closed');
  });

  it('an aborted signal rejects a waiting pop and leaves the queue usable', async () => {
    const { queue } = setup();
    const ac = new AbortController();
    const waiting = queue.pop(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    queue.add(makePod('a'));
    expect((await queue.pop()).pod.metadata?.name).toBe('a');
  });
});

describe('SchedulingQueue backoff', () => {
  const cases = [
    { name: 'first attempt', attempts: 1, want: 1000 },
    { name: 'second attempt doubles', attempts: 2, want: 2000 },
    { name: 'fourth attempt', attempts: 4, want: 8000 },
    { name: 'capped at max', attempts: 5, want: 10000 },
    { name: 'stays capped', attempts: 60, want: 10000 },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(setup().queue.backoffDurationMs(c.attempts)).toBe(c.want);
    });

  it('rejects options that make no sense', () => {
    const clock = new FakeClock();
    expect(() => new SchedulingQueue({ clock, podInitialBackoffMs: 0 })).toThrow('podInitialBackoffMs must be > 0');
    expect(() => new SchedulingQueue({ clock, podInitialBackoffMs: 5000, podMaxBackoffMs: 1000 })).toThrow('must be >=');
  });

  it('run flushes backoffQ every second once the backoff ends', async () => {
    const { clock, queue } = setup();
    const ac = new AbortController();
    queue.run(ac.signal);
    queue.add(makePod('a'));
    await failOnce(queue, []); // no rejecting plugin (an error): straight to backoffQ
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    clock.step(999);
    expect(queue.pendingPods().backoff).toBe(1);
    clock.step(1000);
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
    ac.abort();
    expect(clock.pending).toBe(0);
  });

  it('run moves pods parked longer than 5 minutes back', async () => {
    const { clock, queue } = setup();
    queue.run(new AbortController().signal);
    queue.add(makePod('a'));
    await failOnce(queue, ['NodeResourcesFit']);
    expect(queue.pendingPods().unschedulable).toBe(1);
    clock.step(5 * 60_000);
    expect(queue.pendingPods().unschedulable).toBe(1);
    clock.step(30_000);
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
  });
});

describe('SchedulingQueue addUnschedulableIfNotPresent', () => {
  it('parks a rejected pod, or backs it off when a move request came while it was in flight', async () => {
    const { queue } = setup();
    queue.add(makePod('a'));
    queue.add(makePod('b'));
    await failOnce(queue, ['NodeAffinity']);
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 1 });

    const b = await queue.pop();
    const cycle = queue.schedulingCycle();
    queue.moveAllToActiveOrBackoffQueue(EVENTS.AssignedPodDelete); // helps nobody, still a move request
    b.unschedulablePlugins = new Set(['NodeAffinity']);
    queue.addUnschedulableIfNotPresent(b, cycle);
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 1, unschedulable: 1 });
  });

  it('refuses a pod that is already queued', async () => {
    const { queue } = setup();
    const pod = makePod('a');
    queue.add(pod);
    const q = await queue.pop();
    queue.add(makePod('b'));
    queue.addUnschedulableIfNotPresent({ ...q, unschedulablePlugins: new Set(['X']) }, 1);
    expect(() => queue.addUnschedulableIfNotPresent(q, 1)).toThrow('Pod default/a is already present in unschedulable queue');
  });

  it('a pod deleted while in flight is dropped; one updated comes back updated, to backoffQ', async () => {
    const { queue } = setup();
    const a = makePod('a');
    const b = makePod('b');
    queue.add(a);
    queue.add(b);
    const qa = await queue.pop();
    const qb = await queue.pop();
    queue.delete(a);
    const b2 = { ...b, metadata: { ...b.metadata, labels: { v: '2' } } };
    queue.update(b, b2);
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    for (const q of [qa, qb]) {
      q.unschedulablePlugins = new Set(['NodeAffinity']);
      queue.addUnschedulableIfNotPresent(q, 2);
      queue.done(q.pod.metadata!.uid!);
    }
    // b changed while in flight, which may have fixed it: retried after its backoff, not parked.
    expect(queue.listPending()).toEqual({ active: [], backoff: [b2], unschedulable: [] });
  });
});

describe('SchedulingQueue moveAllToActiveOrBackoffQueue', () => {
  const cases: { name: string; plugins: string[]; event: ClusterEvent; preCheck?: boolean; want: 'active' | 'unschedulable' }[] = [
    { name: 'fit-rejected pod moves on node add', plugins: ['NodeResourcesFit'], event: EVENTS.NodeAdd, want: 'active' },
    { name: 'fit-rejected pod moves on pod delete', plugins: ['NodeResourcesFit'], event: EVENTS.AssignedPodDelete, want: 'active' },
    { name: 'fit-rejected pod moves on allocatable change', plugins: ['NodeResourcesFit'], event: EVENTS.NodeAllocatableChange, want: 'active' },
    { name: 'affinity-rejected pod ignores pod delete', plugins: ['NodeAffinity'], event: EVENTS.AssignedPodDelete, want: 'unschedulable' },
    { name: 'affinity-rejected pod moves on label change', plugins: ['NodeAffinity'], event: EVENTS.NodeLabelChange, want: 'active' },
    { name: 'taint-rejected pod ignores allocatable change', plugins: ['TaintToleration'], event: EVENTS.NodeAllocatableChange, want: 'unschedulable' },
    { name: 'cordon-rejected pod moves on uncordon', plugins: ['NodeUnschedulable'], event: EVENTS.NodeSpecUnschedulableChange, want: 'active' },
    { name: 'one interested plugin of two is enough', plugins: ['NodeAffinity', 'NodePorts'], event: EVENTS.AssignedPodDelete, want: 'active' },
    { name: 'spread-rejected pod moves on pod add', plugins: ['PodTopologySpread'], event: EVENTS.AssignedPodAdd, want: 'active' },
    { name: 'spread-rejected pod moves on node delete', plugins: ['PodTopologySpread'], event: EVENTS.NodeDelete, want: 'active' },
    { name: 'plugin without registration moves on anything', plugins: ['SomeOutOfTree'], event: EVENTS.NodeConditionChange, want: 'active' },
    { name: 'preCheck false keeps it', plugins: ['NodeResourcesFit'], event: EVENTS.NodeAdd, preCheck: false, want: 'unschedulable' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { clock, queue } = setup();
      queue.add(makePod('a'));
      await failOnce(queue, c.plugins);
      clock.step(1000); // backoff over
      queue.moveAllToActiveOrBackoffQueue(c.event, undefined, undefined, c.preCheck === undefined ? undefined : () => c.preCheck!);
      const p = queue.pendingPods();
      expect(c.want === 'active' ? p.active : p.unschedulable).toBe(1);
    });
  }

  it('a pod still backing off goes to backoffQ', async () => {
    const { clock, queue } = setup();
    queue.add(makePod('a'));
    await failOnce(queue, ['NodeResourcesFit']);
    clock.step(500);
    queue.moveAllToActiveOrBackoffQueue(EVENTS.NodeAdd);
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });
});

describe('SchedulingQueue pod events', () => {
  it('update of a parked pod moves it only when something but status changed', async () => {
    const { clock, queue } = setup();
    const a = makePod('a');
    queue.add(a);
    await failOnce(queue, ['NodeAffinity']);
    clock.step(1000);
    const statusOnly = { ...a, metadata: { ...a.metadata, resourceVersion: '9' }, status: { phase: 'Pending', conditions: [] } };
    queue.update(a, statusOnly);
    expect(queue.pendingPods().unschedulable).toBe(1);
    queue.update(statusOnly, { ...statusOnly, metadata: { ...statusOnly.metadata, labels: { x: 'y' } } });
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
  });

  it('update of an unknown pod adds it; delete removes from any sub-queue', async () => {
    const { queue } = setup();
    const a = makePod('a');
    const b = makePod('b');
    queue.update(undefined, a);
    queue.add(b);
    await failOnce(queue, ['X']);
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 1 });
    queue.delete(a);
    queue.delete(b);
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });

  it('activate moves a parked pod to activeQ', async () => {
    const { queue } = setup();
    const a = makePod('a');
    queue.add(a);
    await failOnce(queue, ['X']);
    queue.activate([a, makePod('unknown')]);
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
  });

  const affinity = (app: string) => ({
    affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app } } }] } },
  });
  const cases = [
    { name: 'a bound pod matching the affinity term wakes the pod', bound: { app: 'db' }, namespace: 'default', want: 1 },
    { name: 'other labels do not', bound: { app: 'web' }, namespace: 'default', want: 0 },
    { name: 'another namespace does not', bound: { app: 'db' }, namespace: 'other', want: 0 },
  ];
  for (const c of cases) {
    it(`assignedPodAdded: ${c.name}`, async () => {
      const { clock, queue } = setup();
      queue.add(makePod('a', { spec: affinity('db') }));
      queue.add(makePod('plain'));
      await failOnce(queue, ['InterPodAffinity']);
      await failOnce(queue, ['InterPodAffinity']);
      clock.step(1000);
      queue.assignedPodAdded(makePod('db', { labels: c.bound, namespace: c.namespace, node: 'n1' }));
      expect(queue.pendingPods().active).toBe(c.want);
    });
  }

  it('assignedPodUpdated: a scale-down wakes fit-rejected pods, a label change affinity ones', async () => {
    const { clock, queue } = setup();
    queue.add(makePod('fit'));
    queue.add(makePod('aff', { spec: affinity('db') }));
    await failOnce(queue, ['NodeResourcesFit']);
    await failOnce(queue, ['InterPodAffinity']);
    clock.step(1000);
    const big = makePod('bound', { node: 'n1', requests: { cpu: '2' } });
    const labelled = { ...big, metadata: { ...big.metadata, labels: { app: 'db' } } };
    queue.assignedPodUpdated(big, labelled);
    expect(names(queue.listPending().active)).toEqual(['aff']);
    queue.assignedPodUpdated(labelled, makePod('bound', { node: 'n1', requests: { cpu: '1' }, labels: { app: 'db' } }));
    expect(names(queue.listPending().active)).toEqual(['aff', 'fit']);
  });
});

describe('SchedulingQueue nominator', () => {
  const nominated = (name: string, node: string) => {
    const p = makePod(name);
    return { ...p, status: { ...p.status, nominatedNodeName: node } };
  };

  it('tracks status.nominatedNodeName through add, update and delete', () => {
    const { queue } = setup();
    const a = nominated('a', 'n1');
    queue.add(a);
    expect(queue.nominatedPodsForNode('n1').map((p) => p.pod)).toEqual([a]);
    const moved = { ...a, status: { ...a.status, nominatedNodeName: 'n2' } };
    queue.update(a, moved);
    expect(queue.nominatedPodsForNode('n1')).toEqual([]);
    expect(queue.nominatedPodsForNode('n2').map((p) => p.pod)).toEqual([moved]);
    queue.delete(moved);
    expect(queue.nominatedPodsForNode('n2')).toEqual([]);
  });

  it('keeps an in-memory nomination across an update that never carried one', () => {
    const { queue } = setup();
    const a = makePod('a');
    queue.add(a);
    queue.addNominatedPod(newPodInfo(a), 'n3');
    const a2 = { ...a, metadata: { ...a.metadata, annotations: { k: 'v' } } };
    queue.update(a, a2);
    expect(queue.nominatedPodsForNode('n3').map((p) => p.pod)).toEqual([a2]);
    queue.deleteNominatedPodIfExists(a2);
    expect(queue.nominatedPodsForNode('n3')).toEqual([]);
  });
});

describe('SchedulingQueue invariants', () => {
  it('a pod is never in two sub-queues, nor queued while in flight, whatever happens', async () => {
    let seed = 3;
    const rand = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    const { clock, queue } = setup();
    queue.run(new AbortController().signal);
    const pods = Array.from({ length: 8 }, (_, i) => makePod(`p${i}`, { uid: `u${i}`, priority: i % 3 }));
    const inFlight = new Map<string, { q: QueuedPodInfo; cycle: number }>();
    const events = [EVENTS.NodeAdd, EVENTS.AssignedPodDelete, EVENTS.NodeTaintChange];
    const plugins = ['NodeResourcesFit', 'NodeAffinity', 'TaintToleration'];
    for (let step = 0; step < 3000; step++) {
      const pod = pods[rand(pods.length)]!;
      switch (rand(8)) {
        case 0:
          queue.add(pod);
          break;
        case 1:
          queue.update(pod, { ...pod, metadata: { ...pod.metadata, labels: { step: String(step) } } });
          break;
        case 2:
          queue.delete(pod);
          break;
        case 3:
          if (queue.pendingPods().active > 0) {
            const q = await queue.pop();
            expect(inFlight.has(q.pod.metadata!.uid!)).toBe(false);
            inFlight.set(q.pod.metadata!.uid!, { q, cycle: queue.schedulingCycle() });
          }
          break;
        case 4: {
          const [uid, f] = [...inFlight.entries()][rand(inFlight.size)] ?? [];
          if (uid && f) {
            if (rand(3) > 0) {
              f.q.unschedulablePlugins = new Set(rand(4) ? [plugins[rand(plugins.length)]!] : []);
              queue.addUnschedulableIfNotPresent(f.q, f.cycle);
            }
            queue.done(uid);
            inFlight.delete(uid);
          }
          break;
        }
        case 5:
          queue.moveAllToActiveOrBackoffQueue(events[rand(events.length)]!);
          break;
        case 6:
          clock.step(rand(3) * 1000);
          break;
        default:
          clock.step(60_000);
      }
      const l = queue.listPending();
      const uids = [...l.active, ...l.backoff, ...l.unschedulable].map((p) => p.metadata!.uid!);
      expect(new Set(uids).size).toBe(uids.length);
      for (const uid of uids) expect(inFlight.has(uid)).toBe(false);
    }
  });
});
