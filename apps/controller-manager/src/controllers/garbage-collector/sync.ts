// The collector's decisions (upstream garbagecollector.go's attemptToDeleteItem,
// processDeletingDependentsItem, orphanDependents): every decision reads the object and its
// owners from the API first, since the graph may lag behind, and acts through the GCPort.
import { ApiError } from '@k8ts/api';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, beingDeleted, hasFinalizer, type GraphBuilder, type NodeQueue } from './graph-builder.ts';
import { describe, ownerIdentity, type GraphNode, type Identity } from './graph.ts';
import { deleteOwnerRefsPatch, removeFinalizerPatch, unblockOwnerRefsPatch } from './patches.ts';
import { resourceOf, type GCPort, type MetaObject, type Propagation } from './port.ts';

/** What the worker does with the item afterwards. */
export type Outcome = 'forget' | 'requeue';

/** The object is gone (or another has its name): a virtual delete event will fix the graph. */
class VirtualDeleteQueued extends Error {}
/** A cluster-scoped object names a namespaced owner: no lookup can ever succeed. */
class NamespacedOwnerOfClusterScoped extends Error {}

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waitingForDependentsDeletion: OwnerReference[];
}

export interface GCSyncOptions {
  graph: GraphBuilder;
  port: GCPort;
  attemptToDelete: NodeQueue;
  /** Feeds a verified absence back into the graph builder's event stream. */
  enqueueVirtualDelete(id: Identity): void;
}

export class GCSync {
  constructor(private readonly o: GCSyncOptions) {}

  /** One pass over an attemptToDelete item; 'requeue' means again after a rate-limited delay. */
  async attemptToDelete(n: GraphNode): Promise<Outcome> {
    if (n.virtual) {
      // A requeued virtual node may meanwhile have been observed, or removed, under the same uid.
      const now = this.o.graph.uidToNode.get(n.identity.uid);
      if (!now || !now.virtual) return 'forget';
    }
    try {
      await this.attemptToDeleteItem(n);
    } catch (err) {
      if (err instanceof VirtualDeleteQueued) return 'forget';
      if (err instanceof NamespacedOwnerOfClusterScoped) return 'forget';
      throw err;
    }
    // It exists but no informer has shown it yet: keep checking.
    return n.virtual ? 'requeue' : 'forget';
  }

  async attemptToDeleteItem(item: GraphNode): Promise<void> {
    // 1. An object already going away needs nothing, unless it waits for its own dependents.
    if (item.beingDeleted && !item.deletingDependents) return;
    // 2. Read the latest state: absence (or a new object under the name) is reported to the graph.
    const latest = await this.o.port.get(item.identity);
    if (!latest || latest.metadata.uid !== item.identity.uid) {
      this.o.enqueueVirtualDelete(item.identity);
      throw new VirtualDeleteQueued();
    }
    // 3. A foreground deletion finishes once no blocking dependent remains.
    if (item.deletingDependents) return this.processDeletingDependentsItem(item);
    // 4. Classify the owners as they are now, asking the API about each.
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const { solid, dangling, waitingForDependentsDeletion: waiting } = await this.classifyReferences(item, refs);
    // 5. Some owner still stands: only drop the references to owners gone or going.
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      const uids = [...dangling, ...waiting].map((r) => r.uid);
      await this.o.port.patch(item.identity, deleteOwnerRefsPatch(item.identity.uid, uids), 'strategic');
      return;
    }
    // 6. An owner deletes in the foreground and this item has dependents of its own: delete it in
    // the foreground too. If one of those dependents is itself waiting on this item, that is a
    // cycle; unblocking our references lets the owner finish first.
    if (waiting.length > 0 && item.dependents.size > 0) {
      if ([...item.dependents].some((d) => d.deletingDependents)) {
        await this.o.port.patch(item.identity, unblockOwnerRefsPatch(item.identity.uid, item.owners), 'strategic');
      }
      await this.o.port.delete(item.identity, 'Foreground');
      return;
    }
    // 7. No owner stands: collect it, keeping the propagation it was already asked for.
    const policy: Propagation = hasFinalizer(latest.metadata, ORPHAN_FINALIZER)
      ? 'Orphan'
      : hasFinalizer(latest.metadata, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    await this.o.port.delete(item.identity, policy);
  }

  /** Removes foregroundDeletion once no blocking dependent is left; otherwise nudges them. */
  async processDeletingDependentsItem(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(item, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.o.attemptToDelete.add(dep);
  }

  /** Drops the owner's reference from every dependent, then the owner's orphan finalizer. */
  async attemptToOrphan(owner: GraphNode): Promise<void> {
    const failures: string[] = [];
    await Promise.all([...owner.dependents].map(async (dep) => {
      try {
        await this.o.port.patch(dep.identity, deleteOwnerRefsPatch(dep.identity.uid, [owner.identity.uid]), 'strategic');
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) failures.push(`orphaning ${describe(dep.identity)}: ${(err as Error).message}`);
      }
    }));
    if (failures.length > 0) throw new Error(failures.join('; '));
    await this.removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  /** Removes `finalizer` from the live object, retrying when someone else wrote meanwhile. */
  async removeFinalizer(item: GraphNode, finalizer: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const latest = await this.o.port.get(item.identity);
      if (!latest || latest.metadata.uid !== item.identity.uid) return;
      const patch = removeFinalizerPatch(latest.metadata, finalizer);
      if (!patch) return;
      try {
        await this.o.port.patch(item.identity, patch, 'merge');
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409) || attempt >= 4) throw err;
      }
    }
  }

  async classifyReferences(item: GraphNode, refs: readonly OwnerReference[]): Promise<Classified> {
    const out: Classified = { solid: [], dangling: [], waitingForDependentsDeletion: [] };
    for (const ref of refs) {
      const owner = await this.#liveOwner(ref, item);
      if (!owner) out.dangling.push(ref);
      else if (beingDeleted(owner.metadata) && hasFinalizer(owner.metadata, FOREGROUND_FINALIZER)) out.waitingForDependentsDeletion.push(ref);
      else out.solid.push(ref);
    }
    return out;
  }

  /**
   * The owner `ref` names, read from the API; undefined when it is dangling (nothing at its
   * coordinates, or an object with another uid). Absences are remembered.
   */
  async #liveOwner(ref: OwnerReference, item: GraphNode): Promise<MetaObject | undefined> {
    const absent = this.o.graph.absentOwners;
    const asClusterScoped = ownerIdentity(ref, '');
    const asNamespaced = ownerIdentity(ref, item.identity.namespace);
    if (absent.has(asClusterScoped) || absent.has(asNamespaced)) return undefined;
    const namespaced = resourceOf(ref.apiVersion, ref.kind).namespaced;
    if (namespaced && item.identity.namespace === '') {
      this.o.port.warn(item.identity, 'OwnerRefInvalidNamespace',
        `ownerRef ${describe(asNamespaced)} does not exist in namespace ""`);
      throw new NamespacedOwnerOfClusterScoped();
    }
    const id = namespaced ? asNamespaced : asClusterScoped;
    const owner = await this.o.port.get(id);
    if (!owner || owner.metadata.uid !== ref.uid) {
      absent.add(id);
      return undefined;
    }
    return owner;
  }
}
