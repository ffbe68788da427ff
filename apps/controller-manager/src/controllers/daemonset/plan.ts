// What a DaemonSet sync decides, as pure functions of the listers' view (upstream's manage,
// podsShouldBeOnNode and getUnscheduledPodsWithoutNode): the nodes that need a daemon pod and the
// daemon pods to delete — failed ones, surplus ones, ones on nodes they may no longer run on, and
// unscheduled ones pinned to nodes that no longer exist.
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { isPodAvailable, isPodReady } from '../../controller/pod-utils.ts';
import { REVISION_LABEL } from '../statefulset/revision.ts';
import { nodeShouldRunDaemonPod } from './eligibility.ts';
import { targetNodeName } from './daemon-pod.ts';

export interface Plan {
  nodesNeedingPods: string[];
  podsToDelete: string[];
  /** Failed pods being deleted, for upstream's FailedDaemonPod warning. */
  failedPods: Pod[];
}

/** Pods grouped by the node they are bound or pinned to. */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = targetNodeName(pod);
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

/** Oldest first, bound pods before unbound ones (upstream's podByCreationTimestampAndPhase). */
export function byAge(a: Pod, b: Pod): number {
  const aBound = Boolean(a.spec?.nodeName);
  if (aBound !== Boolean(b.spec?.nodeName)) return aBound ? -1 : 1;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

export const allowsSurge = (ds: DaemonSet) =>
  ds.spec?.updateStrategy?.type !== 'OnDelete' && surgeValue(ds) !== 0 && surgeValue(ds) !== '0%';
const surgeValue = (ds: DaemonSet) => ds.spec?.updateStrategy?.rollingUpdate?.maxSurge ?? 0;

export const isUpdated = (pod: Pod, hash: string) => pod.metadata?.labels?.[REVISION_LABEL] === hash;

export function planNodes(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string, now: Date): Plan {
  const plan: Plan = { nodesNeedingPods: [], podsToDelete: [], failedPods: [] };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(name) ?? [];
    if (shouldRun && pods.length === 0) {
      plan.nodesNeedingPods.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata?.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') {
          plan.podsToDelete.push(pod.metadata?.name ?? '');
          plan.failedPods.push(pod);
        } else running.push(pod);
      }
      running.sort(byAge);
      if (!allowsSurge(ds)) {
        // One pod per node: keep the oldest.
        for (const extra of running.slice(1)) plan.podsToDelete.push(extra.metadata?.name ?? '');
      } else if (running.length === 0) {
        if (shouldRun) plan.nodesNeedingPods.push(name);
      } else if (running.length > 1) {
        // Surging allows one old and one new pod while the new one is not yet available.
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const pod of running) {
          if (isUpdated(pod, hash)) {
            if (!oldestNew) {
              oldestNew = pod;
              continue;
            }
          } else if (!oldestOld) {
            oldestOld = pod;
            continue;
          }
          plan.podsToDelete.push(pod.metadata?.name ?? '');
        }
        if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) {
          plan.podsToDelete.push(oldestOld.metadata?.name ?? '');
        }
      }
    } else {
      for (const pod of pods) if (!pod.metadata?.deletionTimestamp) plan.podsToDelete.push(pod.metadata?.name ?? '');
    }
  }
  // Unscheduled pods pinned to nodes that are gone can never be bound, and PodGC only collects bound ones.
  const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
  for (const [node, pods] of byNode) {
    if (names.has(node)) continue;
    for (const pod of pods) if (!pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) plan.podsToDelete.push(pod.metadata?.name ?? '');
  }
  return plan;
}
