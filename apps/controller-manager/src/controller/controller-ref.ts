// Controller references (upstream's controller_ref_manager.go): which object controls another,
// and adoption/release by label selector. A controller claims the objects its selector matches
// that no one controls (adopting them), keeps those it controls that still match, and releases
// those it controls that no longer match. It never touches objects controlled by others.
import type { LabelSelector } from '@k8ts/api';
import type { KubeObject } from '@k8ts/client';
import type { OwnerReference } from 'kubernetes-types/meta/v1';

export type Owned = KubeObject & { metadata?: KubeObject['metadata'] & { ownerReferences?: OwnerReference[]; deletionTimestamp?: string } };

export const controllerOf = (obj: Owned): OwnerReference | undefined =>
  obj.metadata?.ownerReferences?.find((r) => r.controller === true);

export function newControllerRef(owner: Owned, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The patch that adds `ref` to an object's ownerReferences (strategic merge, keyed by uid). */
export const adoptPatch = (obj: Owned, ref: OwnerReference) => ({ metadata: { ownerReferences: [ref], uid: obj.metadata?.uid } });

/** The patch that removes the owner `ownerUid` from an object's ownerReferences. */
export const releasePatch = (obj: Owned, ownerUid: string) => ({ metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata?.uid } });

export interface ClaimOptions<T extends Owned> {
  owner: Owned;
  /** apiVersion and kind of the owner, for the references it writes. */
  apiVersion: string;
  kind: string;
  selector: LabelSelector;
  /** Sends a strategic merge patch to one object; a 404 (object gone) should resolve quietly. */
  patch(obj: T, patch: unknown): Promise<void>;
  /**
   * Checked once before the first adoption (upstream's RecheckDeletionTimestamp): rejects if the
   * owner, read fresh from the API, is being deleted or is not the same object any more.
   */
  canAdopt(): Promise<void>;
}

/** The objects `owner` controls after adopting orphans and releasing what its selector no longer matches. */
export async function claim<T extends Owned>(objs: readonly T[], o: ClaimOptions<T>): Promise<T[]> {
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  let adoptable: Promise<void> | undefined;
  for (const obj of objs) {
    const ref = controllerOf(obj);
    const matches = o.selector.matches(obj.metadata?.labels ?? {});
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) claimed.push(obj);
      else if (!ownerDeleting) await o.patch(obj, releasePatch(obj, ownerUid!));
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    adoptable ??= o.canAdopt();
    await adoptable;
    await o.patch(obj, adoptPatch(obj, newControllerRef(o.owner, o.apiVersion, o.kind)));
    claimed.push(obj);
  }
  return claimed;
}
