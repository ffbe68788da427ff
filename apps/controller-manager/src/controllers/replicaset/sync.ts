// One sync of one ReplicaSet (upstream's syncReplicaSet): make the number of active pods it
// controls match spec.replicas, then report what it has in status. Reads come from the informer
// caches; every write goes through a port (PodControl for pods, ReplicaSetClient for status).
import { ApiError, labelSelectorFromObject, type LabelSelector } from '@k8ts/api';
import { splitKey, type Clock, type Lister } from '@k8ts/client';
import type { ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { claim, controllerOf, newControllerRef } from '../../controller/controller-ref.ts';
import type { UIDTrackingExpectations } from '../../controller/expectations.ts';
import type { PodControl } from '../../controller/pod-control.ts';
import { isPodActive, podKey } from '../../controller/pod-utils.ts';
import { getPodsToDelete } from './ranking.ts';
import type { ReplicaSetClient } from './rs-client.ts';
import { calculateStatus, desiredReplicas, statusUpToDate } from './status.ts';

/** Creations or deletions one sync asks for at most (upstream's BurstReplicas). */
export const BURST_REPLICAS = 500;
/** The first create batch; each batch that fully succeeds doubles the next one. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export interface SyncDeps {
  replicaSets: Lister<ReplicaSet>;
  pods: Lister<Pod>;
  podControl: PodControl;
  rsClient: ReplicaSetClient;
  /** Shared with the event handlers, which observe the creations and deletions asked for here. */
  expectations: UIDTrackingExpectations;
  clock: Clock;
  burstReplicas?: number;
  /** Requeues `key` after `ms` (the availability check of minReadySeconds). */
  enqueueAfter(key: string, ms: number): void;
}

export async function syncReplicaSet(d: SyncDeps, key: string): Promise<void> {
  // 1. The ReplicaSet; once gone, forget what was expected of it.
  const { namespace } = splitKey(key);
  const rs = d.replicaSets.get(key);
  if (!rs) {
    d.expectations.delete(key);
    return;
  }
  const needsSync = d.expectations.satisfied(key);
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromObject(rs.spec?.selector);
  } catch {
    return; // an invalid selector cannot be fixed by retrying; the next spec update requeues it
  }

  // 2. Active pods of the namespace, including those whose labels no longer match but that still
  //    point at this ReplicaSet, so claim can release them.
  const active = d.pods.byNamespace(namespace).filter(isPodActive);

  // 3. Adopt matching orphans, release pods that no longer match.
  const pods = await claim(active, {
    owner: rs, apiVersion: 'apps/v1', kind: 'ReplicaSet', selector,
    patch: (pod, patch) => quietlyIfGone(d.podControl.patchPod(namespace, pod.metadata?.name ?? '', patch)),
    canAdopt: () => recheckOwner(d.rsClient, rs),
  });

  // 4. Create or delete pods, unless an earlier sync's writes are still unobserved.
  let manageErr: Error | undefined;
  if (needsSync && !rs.metadata?.deletionTimestamp) {
    manageErr = await manageReplicas(d, key, rs, pods).then(() => undefined, (err: unknown) => toError(err));
  }

  // 5. Always report what the ReplicaSet has.
  const now = d.clock.now();
  const status = calculateStatus(rs, pods, manageErr, now);
  const updated = await updateStatus(d.rsClient, rs, status);
  const minReady = updated.spec?.minReadySeconds ?? 0;
  const ready = updated.status?.readyReplicas ?? 0;
  // Pods that are ready but not yet available become available with time alone, which no watch
  // event reports: look again once minReadySeconds have passed.
  if (!manageErr && minReady > 0 && ready > (updated.status?.availableReplicas ?? 0)) d.enqueueAfter(key, minReady * 1000);
  if (manageErr) throw manageErr;
}

/** Creates or deletes pods so `pods.length` moves toward spec.replicas, at most burstReplicas at once. */
export async function manageReplicas(d: SyncDeps, key: string, rs: ReplicaSet, pods: readonly Pod[]): Promise<void> {
  const burst = d.burstReplicas ?? BURST_REPLICAS;
  const namespace = rs.metadata?.namespace ?? '';
  const diff = pods.length - desiredReplicas(rs);
  if (diff < 0) {
    const want = Math.min(-diff, burst);
    // Expect first: the informer may report a new pod before createPod returns.
    d.expectations.expectCreations(key, want);
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const template = rs.spec?.template ?? {};
    const { successes, error } = await slowStartBatch(want, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      try {
        await d.podControl.createPod(namespace, template, rs, ref);
      } catch (err) {
        // A terminating namespace refuses every create; nothing to retry or report.
        if (!isNamespaceTerminating(err)) throw err;
      }
    });
    // Pods never created (failed, or skipped after a failed batch) will never be observed.
    d.expectations.lower(key, want - successes, 0);
    if (error) throw error;
  } else if (diff > 0) {
    const victims = getPodsToDelete(pods, relatedPods(d, rs), Math.min(diff, burst), d.clock.now());
    // Keys, not a count: a pod seen first with a deletionTimestamp and then gone counts once.
    d.expectations.expectDeletionsOf(key, victims.map(podKey));
    const results = await Promise.allSettled(victims.map((pod) => d.podControl.deletePod(namespace, pod.metadata?.name ?? '', rs)));
    let first: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      d.expectations.deletionObservedOf(key, podKey(victims[i]!));
      if (!(r.reason instanceof ApiError && r.reason.code === 404)) first ??= r.reason;
    });
    if (first !== undefined) throw first;
  }
}

/**
 * Calls `fn` `count` times in batches of 1, 2, 4, …, each batch concurrently; stops after the
 * first batch with a failure, so a quota or admission error costs one call, not hundreds.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length > 0) return { successes, error: toError(failed[0]!.reason) };
    remaining -= size;
  }
  return { successes };
}

/** The active pods of every ReplicaSet controlled by the same owner as `rs` (none for an unowned one). */
function relatedPods(d: SyncDeps, rs: ReplicaSet): Pod[] {
  const owner = controllerOf(rs);
  if (!owner) return [];
  const namespace = rs.metadata?.namespace ?? '';
  const seen = new Set<string>();
  const related: Pod[] = [];
  for (const sibling of d.replicaSets.byNamespace(namespace, (r) => controllerOf(r)?.uid === owner.uid)) {
    let sel: LabelSelector;
    try {
      sel = labelSelectorFromObject(sibling.spec?.selector);
    } catch {
      continue;
    }
    for (const pod of d.pods.byNamespace(namespace, (p) => sel.matches(p.metadata?.labels ?? {}))) {
      const uid = pod.metadata?.uid ?? podKey(pod);
      if (seen.has(uid)) continue;
      seen.add(uid);
      related.push(pod);
    }
  }
  return related;
}

/** Writes `status` unless nothing changed; on failure re-reads the ReplicaSet and tries once more. */
async function updateStatus(c: ReplicaSetClient, rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
  if (statusUpToDate(rs, status)) return rs;
  const next = { ...status, observedGeneration: rs.metadata?.generation ?? 0 };
  try {
    return await c.updateStatus({ ...structuredClone(rs), status: next });
  } catch {
    const fresh = await c.get(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '');
    return await c.updateStatus({ ...fresh, status: next });
  }
}

/** Before the first adoption: the ReplicaSet, read fresh, must be the same one and not being deleted. */
async function recheckOwner(c: ReplicaSetClient, rs: ReplicaSet): Promise<void> {
  const ns = rs.metadata?.namespace ?? '';
  const name = rs.metadata?.name ?? '';
  const fresh = await c.get(ns, name);
  if (fresh.metadata?.uid !== rs.metadata?.uid)
    throw new Error(`original ReplicaSet ${ns}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${rs.metadata?.uid}`);
  if (fresh.metadata?.deletionTimestamp) throw new Error(`${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

async function quietlyIfGone(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
}

function isNamespaceTerminating(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.code !== 403) return false;
  return Boolean(err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) || /because it is being terminated/.test(err.message);
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
