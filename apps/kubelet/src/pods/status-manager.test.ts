// The StatusManager against a recording fake of the API: every patch and delete is recorded as
// sent, and the fake applies a status patch the way the apiserver's strategic merge does for
// PodStatus (keyed lists, $setElementOrder, null deletes), bumping the resourceVersion, so a
// test can play the informer: hand the manager an old copy or the one the API now holds.
import { conflict, internalError, notFound, type ResourceInfo } from '@k8ts/api';
import { FakeClock, type PatchOptions, type PatchType, type DeleteOptions } from '@k8ts/client';
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { at, T0 } from '../status/fixtures.ts';
import { StatusManager, type PodStatusApi } from './status-manager.ts';

type Json = Record<string, unknown>;
const MERGE_KEYS: Record<string, string> = { conditions: 'type', podIPs: 'ip', hostIPs: 'ip' };

/** Applies a status patch as the apiserver does for PodStatus (enough of strategic merge for it). */
function applyStatusPatch(target: Json, patch: Json): Json {
  const out: Json = structuredClone(target);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/')) continue;
    const key = MERGE_KEYS[k];
    if (v === null) delete out[k];
    else if (key && Array.isArray(v)) {
      let list = ((out[k] as Json[] | undefined) ?? []).map((x) => structuredClone(x));
      for (const item of v as Json[]) {
        const i = list.findIndex((x) => x[key] === item[key]);
        if (item.$patch === 'delete') list = list.filter((x) => x[key] !== item[key]);
        else if (i >= 0) list[i] = applyStatusPatch(list[i]!, item);
        else list.push(item);
      }
      const order = patch[`$setElementOrder/${k}`] as Json[] | undefined;
      if (order) list.sort((a, b) => order.findIndex((o) => o[key] === a[key]) - order.findIndex((o) => o[key] === b[key]));
      out[k] = list;
    } else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null) {
      out[k] = applyStatusPatch(out[k] as Json, v as Json);
    } else out[k] = v;
  }
  return out;
}

interface Sent { verb: 'patch' | 'delete'; name: string; body?: unknown; type?: PatchType; opts: PatchOptions | DeleteOptions }

class FakePodsApi implements PodStatusApi {
  readonly sent: Sent[] = [];
  /** What the API holds, by name. */
  readonly pods = new Map<string, Pod>();
  /** The next calls fail with these errors, in order. */
  readonly failures: Error[] = [];

  async patch<T>(r: ResourceInfo, name: string, body: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    expect([r.group, r.version, r.plural]).toEqual(['', 'v1', 'pods']);
    this.sent.push({ verb: 'patch', name, body: structuredClone(body), type, opts });
    const err = this.failures.shift();
    if (err) throw err;
    const pod = this.pods.get(name)!;
    const b = body as { metadata?: { uid?: string }; status?: Json };
    if (b.metadata?.uid !== undefined && b.metadata.uid !== pod.metadata?.uid) throw conflict({ resource: 'pods' }, name, 'uid precondition failed');
    const next: Pod = {
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: String(Number(pod.metadata?.resourceVersion) + 1) },
      status: applyStatusPatch((pod.status ?? {}) as Json, b.status ?? {}) as PodStatus,
    };
    this.pods.set(name, next);
    return structuredClone(next) as T;
  }

  async delete(r: ResourceInfo, name: string, opts: DeleteOptions = {}): Promise<unknown> {
    expect([r.group, r.version, r.plural]).toEqual(['', 'v1', 'pods']);
    this.sent.push({ verb: 'delete', name, opts });
    const err = this.failures.shift();
    if (err) throw err;
    this.pods.delete(name);
    return {};
  }
}

const cond = (type: string, status: 'True' | 'False', more: Partial<PodCondition> = {}): PodCondition => ({ type, status, ...more });

/** What the API holds after scheduling: Pending, PodScheduled, and a condition owned by someone else. */
const apiPod = (): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', resourceVersion: '5' },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase: 'Pending',
    conditions: [cond('PodScheduled', 'True', { lastTransitionTime: at(0) }), cond('example.com/gate', 'True', { lastTransitionTime: at(0) })],
  },
});

const starting: PodStatus = {
  phase: 'Pending',
  hostIP: '192.168.1.10',
  conditions: [cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', 'False', { reason: 'ContainersNotReady', message: 'containers with unready status: [c]' }), cond('ContainersReady', 'False', { reason: 'ContainersNotReady', message: 'containers with unready status: [c]' }), cond('PodScheduled', 'True')],
  containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
};

const running: PodStatus = {
  ...starting,
  phase: 'Running',
  podIP: '10.244.1.5',
  podIPs: [{ ip: '10.244.1.5' }],
  conditions: [cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', 'True'), cond('ContainersReady', 'True'), cond('PodScheduled', 'True')],
  containerStatuses: [{ name: 'c', image: 'busybox', imageID: 'sha256:aaaa', containerID: 'containerd://c1', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at(3) } } }],
};

function harness() {
  const api = new FakePodsApi();
  api.pods.set('p', apiPod());
  const clock = new FakeClock(T0 + 10_000);
  return { api, clock, manager: new StatusManager(api, clock), patches: () => api.sent.filter((s) => s.verb === 'patch') };
}

describe('StatusManager.set', () => {
  it('sends a strategic merge patch of pods/status with the uid as precondition', async () => {
    const h = harness();
    const out = await h.manager.set(apiPod(), starting);
    expect(h.api.sent).toHaveLength(1);
    const [sent] = h.api.sent;
    expect(sent).toMatchObject({ verb: 'patch', name: 'p', type: 'strategic', opts: { namespace: 'ns', subresource: 'status' } });
    expect(sent?.body).toMatchObject({
      metadata: { uid: 'uid-1' },
      status: { hostIP: '192.168.1.10', startTime: at(10), containerStatuses: starting.containerStatuses },
    });
    // Only what changed: the phase stayed Pending and PodScheduled kept its status.
    expect((sent?.body as { status: Json }).status.phase).toBeUndefined();
    expect(out?.metadata?.resourceVersion).toBe('6');
  });

  it('keeps conditions it does not own, and the times of conditions that did not change', async () => {
    const h = harness();
    await h.manager.set(apiPod(), starting);
    const held = h.api.pods.get('p')!.status!;
    expect(held.conditions?.map((c) => c.type).sort()).toEqual(['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready', 'example.com/gate']);
    expect(held.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(at(0));
    expect(held.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(at(10));
  });

  it('sends nothing when the API already shows the status', async () => {
    const h = harness();
    const written = await h.manager.set(apiPod(), starting);
    h.clock.step(5000);
    expect(await h.manager.set(written!, starting)).toBeUndefined();
    expect(h.api.sent).toHaveLength(1);
  });

  it('a stale informer copy is compared with what was written: no duplicate write', async () => {
    const h = harness();
    await h.manager.set(apiPod(), starting);
    // The informer still delivers resourceVersion 5, from before the write.
    expect(await h.manager.set(apiPod(), starting)).toBeUndefined();
    expect(h.api.sent).toHaveLength(1);
  });

  it('a change over a stale copy patches only what differs from the last write', async () => {
    const h = harness();
    await h.manager.set(apiPod(), starting);
    h.clock.step(5000);
    await h.manager.set(apiPod(), running);
    const second = h.patches()[1]?.body as { status: Json };
    expect(second.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.5' });
    // hostIP and startTime went out with the first write and are not sent again.
    expect(second.status).not.toHaveProperty('hostIP');
    expect(second.status).not.toHaveProperty('startTime');
    expect(h.api.pods.get('p')!.status).toMatchObject({ phase: 'Running', hostIP: '192.168.1.10', startTime: at(10) });
  });

  it('once the informer caught up, its copy is the base', async () => {
    const h = harness();
    await h.manager.set(apiPod(), starting);
    // Someone else changed the status after our write (resourceVersion 7): diff against that.
    const held = h.api.pods.get('p')!;
    const theirs: Pod = { ...held, metadata: { ...held.metadata, resourceVersion: '7' }, status: { ...held.status, hostIP: '192.168.1.99' } };
    h.api.pods.set('p', theirs);
    await h.manager.set(theirs, starting);
    expect(h.patches()[1]?.body).toEqual({ metadata: { uid: 'uid-1' }, status: { hostIP: '192.168.1.10' } });
  });

  const swallowed = [
    { name: 'NotFound: the pod is gone', err: notFound({ resource: 'pods' }, 'p') },
    { name: 'Conflict: the pod was recreated under the same name', err: conflict({ resource: 'pods' }, 'p', 'uid precondition failed') },
  ];
  it.each(swallowed)('$name: nothing written, no error', async ({ err }) => {
    const h = harness();
    h.api.failures.push(err);
    await expect(h.manager.set(apiPod(), starting)).resolves.toBeUndefined();
  });

  it('another error is thrown, and the next attempt sends the status again', async () => {
    const h = harness();
    await h.manager.set(apiPod(), starting);
    h.api.failures.push(internalError('etcdserver: request timed out'));
    await expect(h.manager.set(apiPod(), running)).rejects.toThrow('etcdserver: request timed out');
    await h.manager.set(apiPod(), running);
    expect(h.patches()).toHaveLength(3);
    expect(h.api.pods.get('p')!.status?.phase).toBe('Running');
  });

  it('a pod recreated under the same name is never patched with the old status', async () => {
    const h = harness();
    const old = apiPod();
    h.api.pods.set('p', { ...old, metadata: { ...old.metadata, uid: 'uid-2' } });
    expect(await h.manager.set(apiPod(), starting)).toBeUndefined();
    expect(h.api.pods.get('p')!.status?.hostIP).toBeUndefined();
  });
});

describe('StatusManager.delete', () => {
  it('deletes with grace period 0 and the uid as precondition', async () => {
    const h = harness();
    await h.manager.delete(apiPod());
    expect(h.api.sent).toEqual([{ verb: 'delete', name: 'p', opts: { namespace: 'ns', gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' } } }]);
  });

  const swallowed = [
    { name: 'already gone', err: notFound({ resource: 'pods' }, 'p') },
    { name: 'recreated under the same name', err: conflict({ resource: 'pods' }, 'p', 'Precondition failed: UID in precondition: uid-1, UID in object meta: uid-2') },
  ];
  it.each(swallowed)('$name: no error', async ({ err }) => {
    const h = harness();
    h.api.failures.push(err);
    await expect(h.manager.delete(apiPod())).resolves.toBeUndefined();
  });

  it('another error is thrown', async () => {
    const h = harness();
    h.api.failures.push(internalError('etcdserver: leader changed'));
    await expect(h.manager.delete(apiPod())).rejects.toThrow('etcdserver: leader changed');
  });
});
