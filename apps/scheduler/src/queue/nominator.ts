// Pods nominated to a node by preemption (upstream's nominator.go): the node is where the pod
// will go once its victims are gone, so later, lower-priority pods must not take that room.
// A pod is nominated to at most one node; entries are keyed by uid.
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodInfo } from '../framework/pod-info.ts';
import type { PodNominator } from '../framework/types.ts';

const uidOf = (pod: Pod): string => pod.metadata?.uid ?? '';
const nominatedNodeName = (pod: Pod): string => pod.status?.nominatedNodeName ?? '';
const NONE: readonly PodInfo[] = Object.freeze([]);

export class Nominator implements PodNominator {
  readonly #byNode = new Map<string, PodInfo[]>();
  readonly #nodeOf = new Map<string, string>();

  /**
   * Nominates the pod to `nodeName`, or — when undefined — to its status.nominatedNodeName (no
   * nomination when that is empty). Any earlier nomination of the same pod is dropped first.
   */
  addNominatedPod(podInfo: PodInfo, nodeName?: string): void {
    this.deleteNominatedPodIfExists(podInfo.pod);
    const node = nodeName ?? nominatedNodeName(podInfo.pod);
    // A bound pod already counts on its node; nominating it too would count it twice.
    if (node === '' || podInfo.pod.spec?.nodeName) return;
    this.#nodeOf.set(uidOf(podInfo.pod), node);
    const list = this.#byNode.get(node);
    if (list) list.push(podInfo);
    else this.#byNode.set(node, [podInfo]);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    const uid = uidOf(pod);
    const node = this.#nodeOf.get(uid);
    if (node === undefined) return;
    this.#nodeOf.delete(uid);
    const rest = (this.#byNode.get(node) ?? []).filter((p) => uidOf(p.pod) !== uid);
    if (rest.length === 0) this.#byNode.delete(node);
    else this.#byNode.set(node, rest);
  }

  /**
   * Replaces the pod's object. An update that neither has nor had a nominatedNodeName keeps the
   * nomination made in memory: preemption nominates before the API write that records it, and an
   * unrelated update can arrive in between.
   */
  updateNominatedPod(oldPod: Pod | undefined, newPodInfo: PodInfo): void {
    const kept =
      nominatedNodeName(oldPod ?? {}) === '' && nominatedNodeName(newPodInfo.pod) === ''
        ? this.#nodeOf.get(uidOf(oldPod ?? newPodInfo.pod))
        : undefined;
    if (oldPod) this.deleteNominatedPodIfExists(oldPod);
    this.addNominatedPod(newPodInfo, kept);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    // Asked for every node filtered in every cycle, and almost always for none.
    const pods = this.#byNode.get(nodeName);
    return pods ? [...pods] : NONE;
  }

  /** The node the pod is nominated to, if any. */
  nominatedNodeFor(pod: Pod): string | undefined {
    return this.#nodeOf.get(uidOf(pod));
  }
}
