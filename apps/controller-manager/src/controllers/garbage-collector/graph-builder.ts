// The graph builder (upstream graph_builder.go): turns the informers' events, one at a time and in
// order, into the dependency graph, and hands the nodes that may need work to two queues —
// attemptToDelete (dependents whose owners may be gone, owners deleting in the foreground,
// virtual owners to verify) and attemptToOrphan (owners deleted with the orphan finalizer).
// Only this builder changes the graph; the workers read it and report what they verified
// through virtual delete events, which go through the same ordered stream.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';
import { AbsentOwners } from './absent-owners.ts';
import { alternateOwnerIdentity, GraphNode, ownerIdentity, sameCoordinates, sameIdentity, type Identity } from './graph.ts';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GraphEvent {
  type: 'add' | 'update' | 'delete';
  identity: Identity;
  meta: ObjectMeta;
  /** The previous state, for updates. */
  oldMeta?: ObjectMeta;
  /** Produced by a worker that verified the object is absent, not by an informer. */
  virtual?: boolean;
}

export interface NodeQueue {
  add(n: GraphNode): void;
  addRateLimited(n: GraphNode): void;
}

export const beingDeleted = (m: ObjectMeta | undefined): boolean => !!m?.deletionTimestamp;
export const hasFinalizer = (m: ObjectMeta | undefined, f: string): boolean => !!m?.finalizers?.includes(f);

/** The object has just started a deletion that waits on finalizer `f` (or was first seen so). */
const startsWaitingFor = (oldMeta: ObjectMeta | undefined, meta: ObjectMeta, f: string): boolean =>
  beingDeleted(meta) && hasFinalizer(meta, f) && !(beingDeleted(oldMeta) && hasFinalizer(oldMeta, f));

export class GraphBuilder {
  readonly uidToNode = new Map<string, GraphNode>();
  readonly absentOwners = new AbsentOwners();

  constructor(private readonly queues: { attemptToDelete: NodeQueue; attemptToOrphan: NodeQueue }) {}

  process(e: GraphEvent): void {
    let existing = this.uidToNode.get(e.identity.uid);
    if (e.type === 'delete') {
      if (existing) this.#processDelete(e, existing);
      return;
    }
    if (existing?.virtual && !e.virtual) existing = this.#observe(existing, e.identity);
    if (!existing) {
      const deleting = beingDeleted(e.meta);
      const node = new GraphNode(e.identity, e.meta.ownerReferences ?? [], false, deleting, deleting && hasFinalizer(e.meta, FOREGROUND_FINALIZER));
      this.uidToNode.set(node.identity.uid, node);
      this.#addDependentToOwners(node, node.owners);
      // One event may stand for a creation and a deletion together: look at transitions too.
      this.#processTransitions(e.oldMeta, e.meta, node);
      return;
    }
    const { added, removed, changed } = referencesDiffs(existing.owners, e.meta.ownerReferences ?? []);
    if (added.length || removed.length || changed.length) {
      this.#addUnblockedOwnersToDeleteQueue(removed, changed);
      existing.owners = e.meta.ownerReferences ?? [];
      this.#addDependentToOwners(existing, added);
      this.#removeDependentFromOwners(existing, removed);
    }
    if (beingDeleted(e.meta)) existing.markBeingDeleted();
    this.#processTransitions(e.oldMeta, e.meta, existing);
  }

  /**
   * An informer shows the object a virtual node stood for. Dependents that named it by other
   * coordinates may hold a wrong reference: they are checked again. The node takes the observed
   * identity (as a copy, so workers holding the old node see no change under them).
   */
  #observe(node: GraphNode, observed: Identity): GraphNode {
    let n = node;
    if (!sameIdentity(node.identity, observed)) {
      for (const dep of node.partitionDependents(observed).nonMatching) this.queues.attemptToDelete.add(dep);
      n = node.clone(observed);
      this.uidToNode.set(observed.uid, n);
    }
    n.virtual = false;
    return n;
  }

  #processTransitions(oldMeta: ObjectMeta | undefined, meta: ObjectMeta, n: GraphNode): void {
    if (startsWaitingFor(oldMeta, meta, ORPHAN_FINALIZER)) {
      this.queues.attemptToOrphan.add(n);
      return;
    }
    if (startsWaitingFor(oldMeta, meta, FOREGROUND_FINALIZER)) {
      n.markDeletingDependents();
      for (const dep of n.dependents) this.queues.attemptToDelete.add(dep);
      this.queues.attemptToDelete.add(n);
    }
  }

  /**
   * Links `n` under each owner, creating a virtual node (to be verified) for an owner not seen
   * yet. A reference that disagrees with what is known of the owner (another namespace, other
   * coordinates) may be wrong: `n` itself is then queued so its references get verified.
   */
  #addDependentToOwners(n: GraphNode, refs: readonly OwnerReference[]): void {
    let suspect = false;
    for (const ref of refs) {
      let owner = this.uidToNode.get(ref.uid);
      if (!owner) {
        owner = new GraphNode(ownerIdentity(ref, n.identity.namespace), [], true);
        this.uidToNode.set(ref.uid, owner);
        owner.dependents.add(n);
        this.queues.attemptToDelete.add(owner);
        continue;
      }
      owner.dependents.add(n);
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== n.identity.namespace) suspect = true;
      else if (!sameCoordinates(ownerIdentity(ref, owner.identity.namespace), owner.identity)) suspect = true;
      // A virtual owner first named by a cluster-scoped dependent may really be namespaced.
      else if (!ownerNamespaced && owner.virtual && n.identity.namespace !== '') suspect = true;
    }
    if (suspect) this.queues.attemptToDelete.add(n);
  }

  #removeDependentFromOwners(n: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) this.uidToNode.get(ref.uid)?.dependents.delete(n);
  }

  /** An owner deleting in the foreground may be waiting only for this reference to stop blocking. */
  #addUnblockedOwnersToDeleteQueue(removed: readonly OwnerReference[], changed: readonly [OwnerReference, OwnerReference][]): void {
    const unblocked = [
      ...removed.filter((r) => r.blockOwnerDeletion === true),
      ...changed.filter(([was, is]) => was.blockOwnerDeletion === true && is.blockOwnerDeletion !== true).map(([, is]) => is),
    ];
    for (const ref of unblocked) {
      const owner = this.uidToNode.get(ref.uid);
      if (owner) this.queues.attemptToDelete.add(owner);
    }
  }

  #processDelete(e: GraphEvent, existing: GraphNode): void {
    if (e.virtual && !this.#virtualDeleteRemoves(e.identity, existing)) return;
    this.uidToNode.delete(existing.identity.uid);
    this.#removeDependentFromOwners(existing, existing.owners);
    if (existing.dependents.size > 0) this.absentOwners.add(e.identity);
    for (const dep of existing.dependents) this.queues.attemptToDelete.add(dep);
    for (const ref of existing.owners) {
      const owner = this.uidToNode.get(ref.uid);
      // A foreground deletion may have been waiting for this dependent only.
      if (owner?.deletingDependents) this.queues.attemptToDelete.add(owner);
    }
  }

  /**
   * A worker verified that nothing exists at `deleted`'s coordinates with its uid. The node goes
   * unless it stands for the uid under other coordinates: an observed node with other
   * coordinates stays, and so does a virtual one while some dependent names the uid otherwise
   * (it then takes the next such identity and is verified again). Dependents that named the
   * verified-absent coordinates are queued either way.
   */
  #virtualDeleteRemoves(deleted: Identity, existing: GraphNode): boolean {
    if (!existing.virtual && sameIdentity(existing.identity, deleted)) return true;
    const { matching, nonMatching } = existing.partitionDependents(deleted);
    if (existing.virtual && nonMatching.length === 0) return true;
    if (matching.length > 0) {
      this.absentOwners.add(deleted);
      for (const dep of matching) this.queues.attemptToDelete.add(dep);
    }
    if (existing.virtual && sameIdentity(existing.identity, deleted)) {
      const alternate = alternateOwnerIdentity(nonMatching, deleted);
      if (alternate) {
        const replacement = existing.clone(alternate);
        this.uidToNode.set(alternate.uid, replacement);
        this.queues.attemptToDelete.addRateLimited(replacement);
      }
    }
    return false;
  }
}

/** Owner references added, removed and changed (same uid, other fields), by uid. */
export function referencesDiffs(old: readonly OwnerReference[], now: readonly OwnerReference[]) {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const nowUids = new Set(now.map((r) => r.uid));
  const added: OwnerReference[] = [];
  const changed: [OwnerReference, OwnerReference][] = [];
  for (const r of now) {
    const was = oldByUid.get(r.uid);
    if (!was) added.push(r);
    else if (JSON.stringify(was) !== JSON.stringify(r)) changed.push([was, r]);
  }
  const removed = old.filter((r) => !nowUids.has(r.uid));
  return { added, removed, changed };
}
