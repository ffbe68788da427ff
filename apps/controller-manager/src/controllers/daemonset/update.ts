// The RollingUpdate strategy (upstream's daemon/update.go rollingUpdate). Without surge, old pods
// are deleted while no more than maxUnavailable daemon pods are unavailable, and the next manage
// pass creates their replacements. With surge, a new pod is created beside an old available one
// (at most maxSurge at a time, immediately where the old one is unavailable), and the old pod is
// deleted once the new one is available.
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { RollingUpdateDaemonSet } from 'kubernetes-types/apps/v1';
import { isPodAvailable } from '../../controller/pod-utils.ts';
import { nodeShouldRunDaemonPod } from './eligibility.ts';
import { isUpdated } from './plan.ts';

/** An int or a percentage of `total`, percentages rounded up (upstream's GetScaledValueFromIntOrPercent). */
export function scaled(v: RollingUpdateDaemonSet['maxSurge'], total: number): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`invalid value for IntOrString: ${v}`);
  return n;
}

/** maxSurge and maxUnavailable over the nodes that want a pod; both 0 falls back to one unavailable. */
export function updateBudget(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaled(ru?.maxSurge, desired);
  let maxUnavailable = scaled(ru?.maxUnavailable ?? 1, desired);
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** The one new and one old live pod on a node; undefined when there are more (manage cleans up first). */
function podsOnNode(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isUpdated(pod, hash)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}) };
}

export interface UpdateStep {
  podsToDelete: string[];
  nodesToCreate: string[];
}

export function rollingUpdate(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string, now: Date): UpdateStep {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  // Every node that wants a pod takes part, with or without one; so do nodes that still hold pods.
  const nodeByName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const wanting = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).map((n) => n.metadata?.name ?? '');
  const names = [...new Set([...byNode.keys(), ...wanting])].sort();
  const { maxSurge, maxUnavailable } = updateBudget(ds, wanting.length);
  const podsOf = (name: string) => podsOnNode(byNode.get(name) ?? [], hash);

  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: string[] = [];
    const candidates: string[] = [];
    for (const name of names) {
      const on = podsOf(name);
      if (!on || (!on.newPod && !on.oldPod) || (on.newPod && on.oldPod)) {
        unavailable++;
      } else if (on.newPod) {
        if (!available(on.newPod)) unavailable++;
      } else if (on.oldPod) {
        if (!available(on.oldPod)) replace.push(on.oldPod.metadata?.name ?? '');
        else if (unavailable < maxUnavailable) candidates.push(on.oldPod.metadata?.name ?? '');
      }
    }
    const room = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    return { podsToDelete: [...replace, ...candidates.slice(0, room)], nodesToCreate: [] };
  }

  let surging = 0;
  const podsToDelete: string[] = [];
  const allowedNodes: string[] = [];
  const candidateNodes: string[] = [];
  for (const name of names) {
    const on = podsOf(name);
    if (!on) {
      surging++;
      continue;
    }
    if (!on.oldPod) continue;
    if (!on.newPod) {
      if (!available(on.oldPod)) {
        const node = nodeByName.get(name);
        // An unavailable old pod on a node it no longer fits is simply removed.
        if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) podsToDelete.push(on.oldPod.metadata?.name ?? '');
        else allowedNodes.push(name);
      } else if (surging < maxSurge) candidateNodes.push(name);
      continue;
    }
    if (!available(on.newPod)) surging++;
    else podsToDelete.push(on.oldPod.metadata?.name ?? '');
  }
  const room = Math.min(Math.max(maxSurge - surging, 0), candidateNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, room)] };
}
