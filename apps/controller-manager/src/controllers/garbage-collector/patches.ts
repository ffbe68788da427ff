// The patches the collector writes. Owner references are removed or unblocked with strategic
// merge patches keyed by the owner's uid, so a patch that reaches an object which no longer
// holds that reference changes nothing. Finalizers are removed with a merge patch pinned to the
// resourceVersion read, so a concurrent change to the list answers 409 instead of being lost.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';

export function deleteOwnerRefsPatch(dependentUid: string, ownerUids: readonly string[]) {
  return { metadata: { uid: dependentUid, ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })) } };
}

/** Every blocking reference, rewritten with blockOwnerDeletion=false. */
export function unblockOwnerRefsPatch(dependentUid: string, owners: readonly OwnerReference[]) {
  const blocking = owners.filter((o) => o.blockOwnerDeletion === true).map((o) => ({ ...o, blockOwnerDeletion: false }));
  return { metadata: { uid: dependentUid, ownerReferences: blocking } };
}

/** Undefined when `finalizer` is not in the list. */
export function removeFinalizerPatch(meta: ObjectMeta, finalizer: string) {
  const finalizers = meta.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return undefined;
  return { metadata: { resourceVersion: meta.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) } };
}
