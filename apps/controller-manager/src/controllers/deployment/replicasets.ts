// The Deployment's ReplicaSets: which one is new (its template is the Deployment's), creating it
// with the pod-template-hash and the next revision, keeping revision annotations in step, and
// scaling one ReplicaSet with the ScalingReplicaSet event.
import { ApiError } from '@k8ts/api';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { newControllerRef } from '../../controller/controller-ref.ts';
import { getCondition, newCondition, REASON, setCondition } from './conditions.ts';
import { writeDeployment, type SyncDeps } from './deps.ts';
import { POD_TEMPLATE_HASH, templateHash } from './hash.ts';
import {
  ANNOTATIONS_TO_SKIP, findNewReplicaSet, findOldReplicaSets, hasProgressDeadline, maxRevision, maxSurge, MAX_REV_HISTORY_CHARS,
  REVISION, REVISION_HISTORY, replicasAnnotationsNeedUpdate, replicasOf, rsReplicas, scaledValue, setReplicasAnnotations, specReplicas,
} from './util.ts';

/** The Deployment's annotations on the ReplicaSet, but for those the controller owns; true when any changed. */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const a = ((rs.metadata ??= {}).annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Brings the new ReplicaSet's annotations up to date: the Deployment's own, a revision raised to
 * `newRevision` (never lowered: old ReplicaSets may have been deleted since), the revisions it
 * had before when a rollback brings it back, and for a ReplicaSet about to be created the
 * desired/max-replicas annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = rs.metadata!.annotations!;
  const had = a[REVISION];
  if (had !== undefined && !/^-?\d+$/.test(had)) return false;
  const old = had === undefined ? 0 : Number(had);
  if (old < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (had !== undefined) appendRevisionHistory(a, had);
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Appends `rev` to revision-history, dropping the oldest entries to stay within the size limit. */
function appendRevisionHistory(a: Record<string, string>, rev: string): void {
  const history = a[REVISION_HISTORY] ?? '';
  if (history === '') {
    a[REVISION_HISTORY] = rev;
    return;
  }
  const revs = history.split(',');
  let len = history.length + rev.length + 1;
  let start = 0;
  while (len > MAX_REV_HISTORY_CHARS && start < revs.length) len -= revs[start++]!.length + 1;
  if (len <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...revs.slice(start), rev].join(',');
}

/** Sets the Deployment's revision annotation; true when it changed. */
function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = ((d.metadata ??= {}).annotations ??= {});
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}

/** How many replicas the new ReplicaSet may have now: up to maxSurge above desired for RollingUpdate, all of them for Recreate. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const desired = replicasOf(d);
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate') return desired;
  const maxTotal = desired + scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, desired, true);
  const current = specReplicas(allRSs);
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.min(maxTotal - current, desired - rsReplicas(newRS));
}

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The new ReplicaSet (created when `create` and missing) and the old ones, revisions in step. */
export async function getAllReplicaSetsAndSyncRevision(x: SyncDeps, d: Deployment, rsList: readonly ReplicaSet[], create: boolean): Promise<ReplicaSetsOfDeployment> {
  const existing = findNewReplicaSet(d, rsList);
  const oldRSs = findOldReplicaSets(existing, rsList);
  const newRS = await getNewReplicaSet(x, d, existing, oldRSs, create);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(x: SyncDeps, d: Deployment, existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const newRevision = maxRevision(oldRSs) + 1;
  const status = (d.status ??= {});
  if (existing) {
    const rs = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
    const minReadyChanged = (rs.spec!.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
    if (annotationsChanged || minReadyChanged) {
      rs.spec!.minReadySeconds = d.spec?.minReadySeconds ?? 0;
      // The Deployment's revision follows on the sync this ReplicaSet update triggers.
      return x.client.updateReplicaSet(rs);
    }
    const revisionChanged = setDeploymentRevision(d, rs.metadata?.annotations?.[REVISION] ?? '');
    let statusChanged = false;
    // A Deployment that never reported progress starts its clock at the first sight of its new ReplicaSet.
    if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
      setCondition(status, newCondition('Progressing', 'True', REASON.FoundNewRS, `Found new replica set "${rs.metadata?.name}"`, x.clock.now()));
      statusChanged = true;
    }
    if (revisionChanged || statusChanged) await writeDeployment(x, d, revisionChanged);
    return rs;
  }
  if (!create) return undefined;
  return createNewReplicaSet(x, d, oldRSs, newRevision);
}

async function createNewReplicaSet(x: SyncDeps, d: Deployment, oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
  const status = (d.status ??= {});
  const hash = templateHash(d.spec?.template, status.collisionCount);
  const template = structuredClone(d.spec!.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec!.selector);
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
  const namespace = d.metadata?.namespace ?? 'default';
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata?.name}-${hash}`, namespace, labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await x.client.createReplicaSet(rs);
  } catch (err) {
    if (!(err instanceof ApiError)) return failCreate(x, d, rs, err);
    if (err.reason === 'AlreadyExists') {
      const found = x.replicaSets.get(`${namespace}/${rs.metadata!.name}`);
      if (!found) throw err;
      const ref = found.metadata?.ownerReferences?.find((r) => r.controller);
      if (ref?.uid !== d.metadata?.uid || findNewReplicaSet(d, [found]) === undefined) {
        // Another template hashed to this name: bump collisionCount so the next sync picks another.
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await x.client.updateDeploymentStatus(d).catch(() => undefined);
        throw err;
      }
      created = found;
      alreadyExisted = true;
    } else if (err.code === 403 && /being terminated/.test(err.message)) {
      throw err;
    } else {
      return failCreate(x, d, rs, err);
    }
  }
  if (!alreadyExisted && replicas > 0)
    x.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${replicas}`);
  const revisionChanged = setDeploymentRevision(d, String(newRevision));
  let statusChanged = false;
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition(status, newCondition('Progressing', 'True', REASON.NewRSCreated, `Created new replica set "${created.metadata?.name}"`, x.clock.now()));
    statusChanged = true;
  }
  if (revisionChanged || statusChanged) await writeDeployment(x, d, revisionChanged);
  return created;
}

/** Reports a failed creation as Progressing=False ReplicaSetCreateError and a Warning event, then fails the sync. */
async function failCreate(x: SyncDeps, d: Deployment, rs: ReplicaSet, err: unknown): Promise<never> {
  const msg = `Failed to create new replica set "${rs.metadata?.name}": ${(err as Error).message}`;
  if (hasProgressDeadline(d)) {
    setCondition(d.status ??= {}, newCondition('Progressing', 'False', REASON.FailedRSCreate, msg, x.clock.now()));
    await x.client.updateDeploymentStatus(d).catch(() => undefined);
  }
  x.recorder.event(d, 'Warning', REASON.FailedRSCreate, msg);
  throw err;
}

export interface Scaled {
  scaled: boolean;
  rs: ReplicaSet;
}

/**
 * Sets the ReplicaSet's size and desired/max-replicas annotations when either is off; records
 * ScalingReplicaSet when the size changed.
 */
export async function scaleReplicaSet(x: SyncDeps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<Scaled> {
  const oldScale = rsReplicas(rs);
  const desired = replicasOf(d);
  const sizeChanged = oldScale !== newScale;
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, desired + maxSurge(d))) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec!.replicas = newScale;
  setReplicasAnnotations(copy, desired, desired + maxSurge(d));
  const updated = await x.client.updateReplicaSet(copy);
  if (sizeChanged)
    x.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${oldScale < newScale ? 'up' : 'down'} replica set ${updated.metadata?.name} from ${oldScale} to ${newScale}`);
  return { scaled: sizeChanged, rs: updated };
}

/** scaleReplicaSet, but only when the size differs. */
export async function scaleReplicaSetAndRecordEvent(x: SyncDeps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<Scaled> {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(x, rs, newScale, d);
}
