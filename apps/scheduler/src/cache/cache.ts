// What the scheduler believes runs where (upstream's internal/cache): nodes with their bound
// pods, plus pods it has assumed onto a node but whose binding the informer has not reported
// yet, so the next cycle already counts them. Pod states by uid:
//   assumePod → Assumed ──addPod (informer saw the binding)──→ Added ──removePod──→ gone
//                  └──forgetPod (binding failed)──→ gone
// A pod may be reported before its node (separate watches): it waits in a NodeInfo without node
// object, which snapshots leave out. The cache's own NodeInfos never leave it; `snapshot()`
// hands out clones, re-cloning only the nodes whose generation moved since the last one.
import type { Namespace, Node, Pod } from 'kubernetes-types/core/v1';
import { NodeInfo } from '../framework/node-info.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import type { Resource } from '../framework/resource.ts';
import { CacheSnapshot } from './cache-snapshot.ts';
import { NodeTree } from './node-tree.ts';

interface PodState {
  pod: Pod;
  /** The binding call returned; only the informer's confirmation is still missing. */
  bindingFinished: boolean;
}

export interface CacheDump {
  nodes: { name: string; requested: Resource; allocatable: Resource; pods: string[] }[];
  assumedPods: { pod: string; uid: string; node: string; bindingFinished: boolean }[];
}

const nodeNameOf = (pod: Pod): string => pod.spec?.nodeName ?? '';
const podName = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

function keyOf(pod: Pod): string {
  const uid = pod.metadata?.uid;
  if (!uid) throw new Error(`cannot get cache key for pod with empty UID: ${podName(pod)}`);
  return uid;
}

export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #pods = new Map<string, PodState>();
  readonly #assumed = new Set<string>();
  /** Nodes that have a Node object, in snapshot order. */
  readonly #tree = new NodeTree();
  /** Replaced, never changed, once handed to a snapshot. */
  #namespaces = new Map<string, Readonly<Record<string, string>>>();
  #last: CacheSnapshot | undefined;
  /** Nodes whose NodeInfo changed since the last snapshot. */
  readonly #dirty = new Set<string>();
  /** The node list (or its order) changed since the last snapshot. */
  #listChanged = true;
  #namespacesChanged = false;

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.#nodes.get(name) ?? new NodeInfo();
    info.setNode(node);
    this.#nodes.set(name, info);
    if (this.#tree.set(node)) this.#listChanged = true;
    this.#dirty.add(name);
  }

  updateNode(_oldNode: Node | undefined, newNode: Node): void {
    this.addNode(newNode);
  }

  /**
   * Forgets the node object. Its pods stay counted until their own deletions arrive: the pod
   * watch is separate and may report them later than the node's removal.
   */
  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.#nodes.get(name);
    if (!info?.node) throw new Error(`node ${name} is not found`);
    this.#tree.delete(name);
    this.#listChanged = true;
    if (info.pods.length === 0) {
      this.#nodes.delete(name);
      return;
    }
    // A fresh NodeInfo rather than clearing `node`: the generation must move for snapshots.
    const orphan = new NodeInfo();
    for (const pi of info.pods) orphan.addPod(pi);
    this.#nodes.set(name, orphan);
  }

  /** Counts `pod` (spec.nodeName set) on its node now, before the binding is confirmed. */
  assumePod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.#pods.has(key)) throw new Error(`pod ${key}(${podName(pod)}) is in the cache, so can't be assumed`);
    if (!nodeNameOf(pod)) throw new Error(`pod ${key}(${podName(pod)}) has no nodeName, so can't be assumed`);
    this.#place(key, pod);
    this.#assumed.add(key);
  }

  finishBinding(pod: Pod): void {
    const key = keyOf(pod);
    const state = this.#pods.get(key);
    if (state && this.#assumed.has(key)) state.bindingFinished = true;
  }

  /** Undoes an assume (the binding failed). */
  forgetPod(pod: Pod): void {
    const key = keyOf(pod);
    const state = this.#pods.get(key);
    if (state && nodeNameOf(state.pod) !== nodeNameOf(pod))
      throw new Error(`pod ${key}(${podName(pod)}) was assumed on ${nodeNameOf(pod)} but assigned to ${nodeNameOf(state.pod)}`);
    if (!state || !this.#assumed.has(key)) throw new Error(`pod ${key}(${podName(pod)}) wasn't assumed so cannot be forgotten`);
    this.#unplace(key, state.pod);
  }

  /**
   * The informer reports a bound pod. An assumed pod is thereby confirmed — replaced by the
   * reported object, on the node it was really bound to — and not counted twice.
   */
  addPod(pod: Pod): void {
    const key = keyOf(pod);
    const state = this.#pods.get(key);
    if (state && !this.#assumed.has(key)) throw new Error(`pod ${key}(${podName(pod)}) was already in added state`);
    if (state) this.#unplace(key, state.pod);
    this.#place(key, pod);
  }

  /**
   * A bound pod changed. Moving to another node cannot happen in Kubernetes (nodeName is
   * immutable once set); upstream treats it as a corrupt cache, here the pod simply moves.
   */
  updatePod(_oldPod: Pod | undefined, newPod: Pod): void {
    const key = keyOf(newPod);
    const state = this.#pods.get(key);
    if (!state) throw new Error(`pod ${key}(${podName(newPod)}) is not added to scheduler cache, so cannot be updated`);
    if (this.#assumed.has(key)) throw new Error(`assumed pod ${key}(${podName(newPod)}) should not be updated`);
    this.#unplace(key, state.pod);
    this.#place(key, newPod);
  }

  removePod(pod: Pod): void {
    const key = keyOf(pod);
    const state = this.#pods.get(key);
    if (!state) throw new Error(`pod ${key}(${podName(pod)}) is not found in scheduler cache, so cannot be removed from it`);
    // The cached object, not the reported one: that is what was counted.
    this.#unplace(key, state.pod);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.#assumed.has(keyOf(pod));
  }

  /** The pod as the cache holds it (assumed or bound), by uid. */
  getPod(pod: Pod): Pod | undefined {
    return this.#pods.get(keyOf(pod))?.pod;
  }

  nodeCount(): number {
    return this.#tree.size;
  }

  podCount(): number {
    return this.#pods.size;
  }

  addNamespace(ns: Namespace): void {
    this.#namespaces = new Map(this.#namespaces).set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
    this.#namespacesChanged = true;
  }

  updateNamespace(_oldNs: Namespace | undefined, newNs: Namespace): void {
    this.addNamespace(newNs);
  }

  removeNamespace(ns: Namespace): void {
    const next = new Map(this.#namespaces);
    if (!next.delete(ns.metadata?.name ?? '')) return;
    this.#namespaces = next;
    this.#namespacesChanged = true;
  }

  /**
   * A consistent view for one scheduling cycle: the nodes that have a Node object, zones
   * interleaved. Nodes unchanged since the previous snapshot keep the same (cloned) NodeInfo;
   * with no change at all the previous snapshot itself is returned. Cost: O(changed nodes),
   * O(nodes) only when the node list itself changed.
   */
  snapshot(): CacheSnapshot {
    const last = this.#last;
    let next: CacheSnapshot;
    if (!last || this.#listChanged) {
      next = CacheSnapshot.build(
        this.#tree.list().map((name) => {
          const info = this.#nodes.get(name)!;
          const kept = last?.get(name);
          return kept && kept.generation === info.generation ? kept : info.clone();
        }),
        this.#namespaces,
      );
    } else if (this.#dirty.size === 0 && !this.#namespacesChanged) {
      return last;
    } else {
      const replacements: NodeInfo[] = [];
      for (const name of this.#dirty) {
        const info = this.#nodes.get(name);
        const kept = last.get(name);
        if (info && kept && kept.generation !== info.generation) replacements.push(info.clone());
      }
      next = last.with(replacements, this.#namespaces);
    }
    this.#last = next;
    this.#dirty.clear();
    this.#listChanged = false;
    this.#namespacesChanged = false;
    return next;
  }

  /** For the debug endpoint: every node with what is counted on it, and the assumed pods. */
  dump(): CacheDump {
    const nodes = [...this.#nodes.entries()].map(([name, info]) => ({
      name,
      requested: structuredClone(info.requested),
      allocatable: structuredClone(info.allocatable),
      pods: info.pods.map((p) => podName(p.pod)),
    }));
    const assumedPods = [...this.#assumed].map((uid) => {
      const state = this.#pods.get(uid)!;
      return { pod: podName(state.pod), uid, node: nodeNameOf(state.pod), bindingFinished: state.bindingFinished };
    });
    return { nodes, assumedPods };
  }

  #place(key: string, pod: Pod): void {
    const name = nodeNameOf(pod);
    let info = this.#nodes.get(name);
    if (!info) this.#nodes.set(name, (info = new NodeInfo()));
    info.addPod(newPodInfo(pod));
    this.#pods.set(key, { pod, bindingFinished: false });
    this.#dirty.add(name);
  }

  #unplace(key: string, pod: Pod): void {
    const name = nodeNameOf(pod);
    const info = this.#nodes.get(name);
    if (info) {
      info.removePod(pod);
      if (!info.node && info.pods.length === 0) this.#nodes.delete(name);
    }
    this.#pods.delete(key);
    this.#assumed.delete(key);
    this.#dirty.add(name);
  }
}
