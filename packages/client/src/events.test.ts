import { describe, expect, it } from 'vitest';
import type { ResourceInfo } from '@k8ts/api';
import { FakeClock } from './clock.ts';
import { EventRecorder } from './events.ts';

function recordingClient() {
  const calls: { verb: 'create' | 'patch'; name: string; body: unknown; namespace?: string }[] = [];
  return {
    calls,
    client: {
      async create<T>(_r: ResourceInfo, obj: T, o: { namespace?: string } = {}) {
        calls.push({ verb: 'create', name: (obj as { metadata: { name: string } }).metadata.name, body: obj, namespace: o.namespace });
        return obj;
      },
      async patch<T>(_r: ResourceInfo, name: string, body: unknown, _t: string, o: { namespace?: string } = {}) {
        calls.push({ verb: 'patch', name, body, namespace: o.namespace });
        return body as T;
      },
    },
  };
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7' } };

describe('EventRecorder', () => {
  it('creates an Event about the object with the reporting component', async () => {
    const { client, calls } = recordingClient();
    const clock = new FakeClock(Date.parse('2026-01-02T03:04:05.678Z'));
    const r = new EventRecorder({ client, component: 'default-scheduler', instance: 'host-1', clock });
    r.event(pod, 'Normal', 'Scheduled', 'Successfully assigned prod/web to n1');
    await r.flush();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.namespace).toBe('prod');
    expect(calls[0]!.body).toMatchObject({
      metadata: { namespace: 'prod' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'prod', uid: 'u1', apiVersion: 'v1' },
      type: 'Normal', reason: 'Scheduled', count: 1,
      firstTimestamp: '2026-01-02T03:04:05Z', source: { component: 'default-scheduler' }, reportingInstance: 'host-1',
    });
    expect(calls[0]!.name).toMatch(/^web\.[0-9a-f]{16}$/);
  });

  it.each([
    { name: 'a repeat within ten minutes bumps the count', advanceMs: 60_000, verbs: ['create', 'patch'] },
    { name: 'a repeat after ten minutes is a new event', advanceMs: 11 * 60_000, verbs: ['create', 'create'] },
  ])('$name', async ({ advanceMs, verbs }) => {
    const { client, calls } = recordingClient();
    const clock = new FakeClock(0);
    const r = new EventRecorder({ client, component: 'c', clock });
    r.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
    clock.step(advanceMs);
    r.event(pod, 'Warning', 'FailedScheduling', '0/1 nodes are available');
    await r.flush();
    expect(calls.map((c) => c.verb)).toEqual(verbs);
    if (verbs[1] === 'patch') expect(calls[1]).toMatchObject({ name: calls[0]!.name, body: { count: 2 } });
  });

  it('reports write failures without throwing', async () => {
    const errors: unknown[] = [];
    const client = { create: async () => { throw new Error('namespace gone'); }, patch: async () => ({}) };
    const r = new EventRecorder({ client: client as never, component: 'c', onError: (e) => errors.push(e) });
    r.event(pod, 'Normal', 'X', 'y');
    await r.flush();
    expect(errors).toHaveLength(1);
  });

  it('writes one event at a time and drops those that find the queue full', async () => {
    let inFlight = 0;
    let most = 0;
    const written: string[] = [];
    const client = {
      async create<T>(_r: ResourceInfo, obj: T) {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        written.push((obj as { message: string }).message);
        return obj;
      },
      patch: async () => ({}),
    };
    const r = new EventRecorder({ client: client as never, component: 'c', maxQueued: 3 });
    for (let i = 0; i < 6; i++) r.event({ ...pod, metadata: { ...pod.metadata, uid: `u${i}` } }, 'Normal', 'X', `event ${i}`);
    await r.flush();
    expect(most).toBe(1);
    // The first is being written at once; three wait; the last two find the queue full.
    expect(written).toEqual(['event 0', 'event 1', 'event 2', 'event 3']);
    expect(r.dropped).toBe(2);
    r.event(pod, 'Normal', 'X', 'later');
    // A repeat of a dropped event creates it (there is nothing to patch).
    r.event({ ...pod, metadata: { ...pod.metadata, uid: 'u5' } }, 'Normal', 'X', 'event 5');
    await r.flush();
    expect(written.slice(-2)).toEqual(['later', 'event 5']);
  });
});
