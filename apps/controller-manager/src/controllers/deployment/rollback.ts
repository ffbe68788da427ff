// Rollback through the annotation that carries extensions/v1beta1's spec.rollbackTo (kubectl
// 1.32's `rollout undo` patches the template itself instead; then the old ReplicaSet is simply
// found as the new one by its template). Copies the chosen revision's template and annotations
// into the Deployment and clears the request.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { REASON } from './conditions.ts';
import { tookWrite, type SyncDeps } from './deps.ts';
import { equalIgnoreHash, POD_TEMPLATE_HASH } from './hash.ts';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.ts';
import { ANNOTATIONS_TO_SKIP, lastRevision, revisionOf, ROLLBACK_TO } from './util.ts';

/** The revision asked for (0: the previous one); undefined when there is no valid request. */
export function rollbackTo(d: Deployment): number | undefined {
  const v = d.metadata?.annotations?.[ROLLBACK_TO];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export async function rollback(x: SyncDeps, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(x, d, rsList, true);
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = rollbackTo(d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(all);
    if (revision === 0) {
      x.recorder.event(d, 'Warning', REASON.RollbackRevisionNotFound, 'Unable to find last revision.');
      return clearRollbackTo(x, d);
    }
  }
  const target = all.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    x.recorder.event(d, 'Warning', REASON.RollbackRevisionNotFound, 'Unable to find the revision to rollback to.');
    return clearRollbackTo(x, d);
  }
  // The revision number moves on the next sync, when the ReplicaSet is found to be the new one.
  if (equalIgnoreHash(d.spec?.template, target.spec?.template)) {
    x.recorder.event(d, 'Warning', REASON.RollbackTemplateUnchanged, `The rollback revision contains the same template as current deployment "${d.metadata?.name}"`);
    return clearRollbackTo(x, d);
  }
  copyTemplateAndAnnotations(d, target);
  await clearRollbackTo(x, d);
  x.recorder.event(d, 'Normal', REASON.RollbackDone, `Rolled back deployment "${d.metadata?.name}" to revision ${revision}`);
}

/**
 * The ReplicaSet's template (without its hash label) and its annotations, so that its
 * change-cause comes back with it; the controller's own annotations stay the Deployment's.
 */
function copyTemplateAndAnnotations(d: Deployment, rs: ReplicaSet): void {
  const template = structuredClone(rs.spec!.template!);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  d.spec!.template = template;
  const kept = Object.entries(d.metadata?.annotations ?? {}).filter(([k]) => ANNOTATIONS_TO_SKIP.has(k));
  const copied = Object.entries(rs.metadata?.annotations ?? {}).filter(([k]) => !ANNOTATIONS_TO_SKIP.has(k));
  d.metadata = { ...d.metadata, annotations: Object.fromEntries([...kept, ...copied]) };
}

async function clearRollbackTo(x: SyncDeps, d: Deployment): Promise<void> {
  if (d.metadata?.annotations) delete d.metadata.annotations[ROLLBACK_TO];
  tookWrite(d, await x.client.updateDeployment(d));
}
