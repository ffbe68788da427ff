// One sync of one Deployment (upstream's syncDeployment): claim its ReplicaSets, then either
// report only (being deleted), scale (paused, or a replica count change), roll back (legacy
// annotation), or take one step of the rollout strategy. Reads come from the informer caches;
// every write goes through the DeploymentClient port.
import { labelSelectorFromObject, type LabelSelector } from '@k8ts/api';
import { splitKey } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { claim, controllerOf } from '../../controller/controller-ref.ts';
import { getCondition, newCondition, REASON, setCondition } from './conditions.ts';
import { tookWrite, type SyncDeps } from './deps.ts';
import { rolloutRecreate, type PodMap } from './recreate.ts';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.ts';
import { rollback, rollbackTo } from './rollback.ts';
import { rolloutRolling } from './rolling.ts';
import { cleanupDeployment, isScalingEvent, scale } from './scale.ts';
import { syncDeploymentStatus } from './status.ts';
import { hasProgressDeadline } from './util.ts';

export async function syncDeployment(x: SyncDeps, key: string): Promise<void> {
  // 1. The Deployment, copied: the cache's objects are shared and frozen.
  const cached = x.deployments.get(key);
  if (!cached) return;
  const d = structuredClone(cached);

  // 2. An empty selector would select every pod in the namespace: refuse, but say it was seen.
  const sel = d.spec?.selector;
  if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    x.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
      d.status = { ...d.status, observedGeneration: d.metadata?.generation ?? 0 };
      await x.client.updateDeploymentStatus(d);
    }
    return;
  }
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromObject(sel);
  } catch {
    return; // invalid selectors are refused by validation; retrying cannot fix one
  }

  // 3. Its ReplicaSets (adopting matching orphans, releasing those that stopped matching) and their pods.
  let rsList = await getReplicaSetsForDeployment(x, d, selector);
  const podMap = podMapFor(x, d, selector, rsList);

  // 4. A Deployment being deleted only reports.
  if (d.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, false);
    return syncDeploymentStatus(x, [...oldRSs, newRS], newRS, d);
  }

  // 5. Pausing and resuming are recorded in Progressing, so time paused never counts toward the deadline.
  await checkPausedConditions(x, d);

  // 6. Paused: scale only (a pending legacy rollback waits for the resume). Then the rollback,
  //    which rewrites the template, before anything else looks at it.
  if (d.spec?.paused) return syncScale(x, d, rsList);
  if (rollbackTo(d) !== undefined) return rollback(x, d, rsList);

  // 7. A replica count change is applied proportionally, not as a rollout step.
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, false);
  if (isScalingEvent(d, [...oldRSs, newRS])) return syncScale(x, d, rsList);
  // The new ReplicaSet may have just been written (annotations); the rollout works on that copy.
  if (newRS) rsList = rsList.map((rs) => (rs.metadata?.uid === newRS.metadata?.uid ? newRS : rs));

  // 8. One step of the rollout.
  if (d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(x, d, rsList, podMap);
  return rolloutRolling(x, d, rsList);
}

/** Scale, clean up old revisions, report (upstream's sync). */
async function syncScale(x: SyncDeps, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, false);
  await scale(x, d, newRS, oldRSs);
  await cleanupDeployment(x, oldRSs, d);
  return syncDeploymentStatus(x, [...oldRSs, newRS], newRS, d);
}

async function checkPausedConditions(x: SyncDeps, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  // A reported timeout is not overwritten by pausing.
  if (cond?.reason === REASON.TimedOut) return;
  const pausedCond = cond?.reason === REASON.Paused;
  const now = x.clock.now();
  if (d.spec?.paused && !pausedCond) setCondition(d.status ??= {}, newCondition('Progressing', 'Unknown', REASON.Paused, 'Deployment is paused', now));
  else if (!d.spec?.paused && pausedCond) setCondition(d.status ??= {}, newCondition('Progressing', 'Unknown', REASON.Resumed, 'Deployment is resumed', now));
  else return;
  tookWrite(d, await x.client.updateDeploymentStatus(d));
}

async function getReplicaSetsForDeployment(x: SyncDeps, d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
  const namespace = d.metadata?.namespace ?? 'default';
  return claim(x.replicaSets.byNamespace(namespace), {
    owner: d, apiVersion: 'apps/v1', kind: 'Deployment', selector,
    patch: (rs, patch) => x.client.patchReplicaSet(namespace, rs.metadata?.name ?? '', patch).catch((err: unknown) => {
      if ((err as { code?: number }).code !== 404) throw err;
    }),
    canAdopt: async () => {
      const fresh = await x.client.getDeployment(namespace, d.metadata?.name ?? '');
      if (fresh.metadata?.uid !== d.metadata?.uid)
        throw new Error(`original Deployment ${namespace}/${d.metadata?.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${d.metadata?.uid}`);
      if (fresh.metadata?.deletionTimestamp)
        throw new Error(`${namespace}/${d.metadata?.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    },
  });
}

/** Pods the selector matches, by controlling ReplicaSet; inactive ones count too (Recreate waits for them). */
function podMapFor(x: SyncDeps, d: Deployment, selector: LabelSelector, rsList: readonly ReplicaSet[]): PodMap {
  const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata?.uid ?? '', []]));
  for (const pod of x.pods.byNamespace(d.metadata?.namespace ?? 'default')) {
    if (!selector.matches(pod.metadata?.labels ?? {})) continue;
    map.get(controllerOf(pod)?.uid ?? '')?.push(pod);
  }
  return map;
}
