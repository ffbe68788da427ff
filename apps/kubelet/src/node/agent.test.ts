// NodeAgent over in-memory ports and a FakeClock: when status is written, how the Lease is
// kept, and how failures are retried.
import { describe, expect, it } from 'vitest';
import { alreadyExists, notFound } from '@k8ts/api';
import { FakeClock, type Lease, type LeasePort } from '@k8ts/client';
import { FakeRuntime, criError } from '@k8ts/cri';
import type { Node, NodeStatus } from 'kubernetes-types/core/v1';
import { NodeAgent, type NodeAgentOptions } from './agent.ts';
import type { NodeApi } from './api.ts';
import { MACHINE } from './fixtures.ts';

/** An API server of one Node and its Leases; `down` makes every call fail. */
class FakeApi {
  node: Node | undefined;
  leases = new Map<string, Lease>();
  statusWrites: NodeStatus[] = [];
  down = false;
  #rv = 0;

  #check(): void {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
  }
  readonly nodes: NodeApi = {
    get: async () => { this.#check(); return this.node && structuredClone(this.node); },
    create: async (n) => {
      this.#check();
      if (this.node) throw alreadyExists({ group: '', resource: 'nodes' }, n.metadata?.name ?? '');
      return (this.node = { ...n, metadata: { ...n.metadata, uid: 'uid-1' } });
    },
    patchLabels: async (_, labels) => { this.#check(); return (this.node = { ...this.node, metadata: { ...this.node?.metadata, labels: { ...this.node?.metadata?.labels, ...labels } } }); },
    patchStatus: async (_, status) => { this.#check(); this.statusWrites.push(status); return (this.node = { ...this.node, status }); },
  };
  readonly leasePort: LeasePort = {
    get: async (_, name) => { this.#check(); return this.leases.get(name); },
    create: async (l) => { this.#check(); return this.#put(l); },
    update: async (l) => {
      this.#check();
      if (this.leases.get(l.metadata?.name ?? '')?.metadata?.resourceVersion !== l.metadata?.resourceVersion) throw new Error('conflict');
      return this.#put(l);
    },
  };
  #put(l: Lease): Lease {
    const stored = { ...l, metadata: { ...l.metadata, resourceVersion: String(++this.#rv) } };
    this.leases.set(l.metadata?.name ?? '', stored);
    return stored;
  }
}

function setup(extra: Partial<NodeAgentOptions> = {}) {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const api = new FakeApi();
  const runtime = new FakeRuntime({ clock, images: ['busybox:1.36'] });
  const agent = new NodeAgent({
    nodeName: 'node-a', api: api.nodes, leases: api.leasePort, runtime, images: runtime, machine: async () => MACHINE, clock,
    statusUpdateMs: 10_000, statusReportMs: 300_000, leaseRenewMs: 10_000, ...extra,
  });
  return { clock, api, runtime, agent };
}

describe('NodeAgent.syncStatus', () => {
  const cases = [
    { name: 'unchanged within the report period: skipped', advanceMs: 10_000, failRuntime: false, wrote: false },
    { name: 'unchanged past the report period: written', advanceMs: 300_000, failRuntime: false, wrote: true },
    { name: 'changed (runtime down): written at once', advanceMs: 10_000, failRuntime: true, wrote: true },
  ];
  it.each(cases)('$name', async ({ advanceMs, failRuntime, wrote }) => {
    const { clock, api, runtime, agent } = setup();
    await agent.register();
    expect(await agent.syncStatus()).toBe(true);
    clock.step(advanceMs);
    if (failRuntime) runtime.failNext('status', criError('Unavailable', 'connection refused'));
    expect(await agent.syncStatus()).toBe(wrote);
    expect(api.statusWrites).toHaveLength(wrote ? 2 : 1);
  });

  it('re-reads the Node after a failed write', async () => {
    const { api, agent } = setup();
    await agent.register();
    api.down = true;
    await expect(agent.syncStatus()).rejects.toThrow(/ECONNREFUSED/);
    api.down = false;
    api.node = { ...api.node, metadata: { ...api.node?.metadata, labels: { extra: 'x' } } };
    expect(await agent.syncStatus()).toBe(true);
    expect(agent.node?.metadata?.labels).toEqual({ extra: 'x' });
  });

  it('fails when the Node is gone', async () => {
    const { api, agent } = setup();
    await agent.register();
    api.node = undefined;
    api.down = true;
    await expect(agent.syncStatus()).rejects.toThrow();
    api.down = false;
    await expect(agent.syncStatus()).rejects.toThrow('node "node-a" not found');
  });
});

describe('NodeAgent.register', () => {
  it('adopts an existing Node and reconciles its default labels', async () => {
    const { api, agent } = setup();
    api.node = { metadata: { name: 'node-a', uid: 'old', labels: { 'kubernetes.io/hostname': 'stale', team: 'a' } } };
    const node = await agent.register();
    expect(node.metadata?.uid).toBe('old');
    expect(node.metadata?.labels).toEqual({
      team: 'a', 'kubernetes.io/hostname': 'node-a', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64',
    });
  });

  it('retries with back-off until the API server answers', async () => {
    const errors: string[] = [];
    const { clock, api, agent } = setup({ onError: (what) => errors.push(what) });
    api.down = true;
    const done = agent.register();
    await clock.advance(300, 50);
    expect(errors).toEqual(['register', 'register', 'register']);
    api.down = false;
    await clock.advance(400, 50);
    expect((await done).metadata?.uid).toBe('uid-1');
  });
});

describe('NodeAgent.run', () => {
  it('renews the Lease each period with an owner reference, writes status, stops on abort', async () => {
    const { clock, api, agent } = setup();
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    await clock.advance(0);
    const first = api.leases.get('node-a');
    expect(first?.spec).toMatchObject({ holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.000000Z' });
    await clock.advance(10_000, 1_000);
    const second = api.leases.get('node-a') as Lease & { metadata: { ownerReferences?: unknown[] } };
    expect(second.spec?.renewTime).toBe('2025-01-01T00:00:10.000000Z');
    expect(second.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'uid-1' }]);
    expect(api.statusWrites).toHaveLength(1);
    stop.abort();
    await running;
  });

  it('backs off while the API server is down and recovers the Lease from a fresh read', async () => {
    const errors: string[] = [];
    const { clock, api, agent } = setup({ onError: (what) => errors.push(what) });
    const stop = new AbortController();
    const running = agent.run(stop.signal);
    await clock.advance(0);
    api.down = true;
    await clock.advance(10_000, 100);
    expect(errors).toContain('lease');
    api.leases.get('node-a')!.metadata!.resourceVersion = 'moved-on';
    api.down = false;
    await clock.advance(10_000, 100);
    expect(api.leases.get('node-a')?.spec?.renewTime).not.toBe('2025-01-01T00:00:00.000000Z');
    stop.abort();
    await running;
  });
});
