import { conflict, alreadyExists } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from './clock.ts';
import type { Lease, LeasePort } from './lease.ts';
import { microTime } from './lease.ts';
import type { LeaderElectorOptions } from './leaderelection.ts';
import { LeaderElector } from './leaderelection.ts';

/** Leases in memory with the apiserver's optimistic concurrency: create once, update on the current resourceVersion. */
class FakeLeases implements LeasePort {
  readonly leases = new Map<string, Lease>();
  down = false;
  #rv = 1;
  async get(ns: string, name: string) {
    if (this.down) throw new Error('connection refused');
    const l = this.leases.get(`${ns}/${name}`);
    return l && structuredClone(l);
  }
  async create(lease: Lease) {
    if (this.down) throw new Error('connection refused');
    const key = `${lease.metadata?.namespace}/${lease.metadata?.name}`;
    if (this.leases.has(key)) throw alreadyExists({ group: 'coordination.k8s.io', resource: 'leases' }, lease.metadata!.name!);
    const stored = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) } };
    this.leases.set(key, stored);
    return structuredClone(stored);
  }
  async update(lease: Lease) {
    if (this.down) throw new Error('connection refused');
    const key = `${lease.metadata?.namespace}/${lease.metadata?.name}`;
    if (this.leases.get(key)?.metadata?.resourceVersion !== lease.metadata?.resourceVersion) {
      throw conflict({ group: 'coordination.k8s.io', resource: 'leases' }, lease.metadata!.name!, 'the object has been modified');
    }
    const stored = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++this.#rv) } };
    this.leases.set(key, stored);
    return structuredClone(stored);
  }
  spec() {
    return this.leases.get('kube-system/sched')?.spec;
  }
}

function elector(port: FakeLeases, clock: FakeClock, identity: string, extra: Partial<LeaderElectorOptions> = {}) {
  const events: string[] = [];
  let leading: AbortSignal | undefined;
  const le = new LeaderElector({
    port, clock, identity, namespace: 'kube-system', name: 'sched', random: () => 0,
    callbacks: {
      onStartedLeading: (s) => {
        leading = s;
        events.push('started');
      },
      onStoppedLeading: () => events.push('stopped'),
      onNewLeader: (id) => events.push(`leader ${id}`),
    },
    ...extra,
  });
  return { le, events, leading: () => leading };
}

describe('LeaderElector', () => {
  it('creates a missing Lease and renews it every retryPeriod, keeping acquireTime', async () => {
    const clock = new FakeClock(Date.UTC(2025, 0, 1));
    const port = new FakeLeases();
    const { le, events } = elector(port, clock, 'a');
    const ac = new AbortController();
    const run = le.run(ac.signal);
    await flush();
    expect(events).toEqual(['leader a', 'started']);
    expect(le.isLeader()).toBe(true);
    expect(port.spec()).toEqual({
      holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0,
      acquireTime: '2025-01-01T00:00:00.000000Z', renewTime: '2025-01-01T00:00:00.000000Z',
    });
    await clock.advance(2000);
    expect(port.spec()).toMatchObject({ acquireTime: '2025-01-01T00:00:00.000000Z', renewTime: '2025-01-01T00:00:02.000000Z', leaseTransitions: 0 });
    ac.abort();
    await run;
    expect(events).toEqual(['leader a', 'started', 'stopped']);
  });

  it('waits out another holder for leaseDuration on its own clock, then takes over', async () => {
    const clock = new FakeClock(Date.UTC(2025, 0, 1));
    const port = new FakeLeases();
    // The holder's timestamps are far in the future: only our own observation time counts.
    await port.create({ metadata: { name: 'sched', namespace: 'kube-system' }, spec: { holderIdentity: 'old', leaseDurationSeconds: 15, renewTime: '2099-01-01T00:00:00.000000Z', leaseTransitions: 4 } });
    const { le, events } = elector(port, clock, 'b');
    const run = le.run(new AbortController().signal);
    await flush();
    expect(events).toEqual(['leader old']);
    await clock.advance(14_000, 2000);
    expect(le.isLeader()).toBe(false);
    await clock.advance(2000, 2000);
    expect(events).toEqual(['leader old', 'leader b', 'started']);
    expect(port.spec()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 5, acquireTime: microTime(clock.now()) });
    void run;
  });

  it('stops leading when it cannot renew within renewDeadline', async () => {
    const clock = new FakeClock(0);
    const port = new FakeLeases();
    const { le, events, leading } = elector(port, clock, 'a');
    const run = le.run(new AbortController().signal);
    await flush();
    expect(events).toEqual(['leader a', 'started']);
    port.down = true;
    // Renewals at 2, 4, 6, 8 and 10 s fail; the one begun at 2 s has then run out of its 10 s.
    await clock.advance(9_000, 1000);
    expect(leading()?.aborted).toBe(false);
    await clock.advance(1000, 1000);
    await run;
    expect(leading()?.aborted).toBe(true);
    expect(events).toEqual(['leader a', 'started', 'stopped']);
  });

  it('campaigns again after losing the Lease, and leads again once it can renew', async () => {
    const clock = new FakeClock(0);
    const port = new FakeLeases();
    const { le, events } = elector(port, clock, 'a');
    const ac = new AbortController();
    const campaign = le.campaign(ac.signal);
    await flush();
    port.down = true;
    await clock.advance(10_000, 1000);
    expect(events).toEqual(['leader a', 'started', 'stopped']);
    port.down = false;
    await clock.advance(4_000, 1000);
    expect(events).toEqual(['leader a', 'started', 'stopped', 'started']);
    ac.abort();
    await campaign;
  });

  it('gives the Lease up on cancel when releaseOnCancel is set, so another takes it at once', async () => {
    const clock = new FakeClock(0);
    const port = new FakeLeases();
    const a = elector(port, clock, 'a', { releaseOnCancel: true });
    const ac = new AbortController();
    const run = a.le.run(ac.signal);
    await flush();
    ac.abort();
    await run;
    expect(port.spec()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });

    const b = elector(port, clock, 'b');
    void b.le.run(new AbortController().signal);
    await clock.advance(1000, 1000);
    expect(b.le.isLeader()).toBe(true);
    expect(port.spec()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('lets only one of two candidates lead', async () => {
    const clock = new FakeClock(0);
    const port = new FakeLeases();
    const a = elector(port, clock, 'a');
    const b = elector(port, clock, 'b');
    void a.le.run(new AbortController().signal);
    void b.le.run(new AbortController().signal);
    await clock.advance(30_000, 1000);
    expect([a.le.isLeader(), b.le.isLeader()]).toEqual([true, false]);
    expect(b.events).toEqual(['leader a']);
  });

  const invalid: { name: string; opts: Partial<LeaderElectorOptions>; message: string }[] = [
    { name: 'lease not longer than the renew deadline', opts: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 }, message: 'leaseDuration must be greater than renewDeadline' },
    { name: 'renew deadline within jittered retry', opts: { renewDeadlineSeconds: 2, retryPeriodSeconds: 2 }, message: 'renewDeadline must be greater than retryPeriod*1.2' },
    { name: 'empty identity', opts: { identity: '' }, message: 'leader election needs an identity' },
  ];
  it.each(invalid)('rejects $name', ({ opts, message }) => {
    expect(() => elector(new FakeLeases(), new FakeClock(), 'a', opts)).toThrow(message);
  });
});
