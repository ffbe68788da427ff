// DaemonSet status (upstream's updateDaemonSetStatus): per node that wants a pod, whether one is
// there, and whether the oldest one is ready, available and of the current template; pods on
// nodes that should not run them are misscheduled.
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { isPodAvailable, isPodReady } from '../../controller/pod-utils.ts';
import { nodeShouldRunDaemonPod } from './eligibility.ts';
import { byAge, isUpdated } from './plan.ts';

export function computeStatus(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string, now: Date, observed: boolean): DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const s = { desired: 0, scheduled: 0, misscheduled: 0, ready: 0, updated: 0, available: 0 };
  for (const node of nodes) {
    const pods = byNode.get(node.metadata?.name ?? '') ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length > 0) s.misscheduled++;
      continue;
    }
    s.desired++;
    const oldest = [...pods].sort(byAge)[0];
    if (!oldest) continue;
    s.scheduled++;
    if (isPodReady(oldest)) {
      s.ready++;
      if (isPodAvailable(oldest, minReady, now)) s.available++;
    }
    if (isUpdated(oldest, hash)) s.updated++;
  }
  return {
    ...(ds.status ?? {}),
    observedGeneration: observed ? (ds.metadata?.generation ?? 0) : (ds.status?.observedGeneration ?? 0),
    desiredNumberScheduled: s.desired,
    currentNumberScheduled: s.scheduled,
    numberMisscheduled: s.misscheduled,
    numberReady: s.ready,
    updatedNumberScheduled: s.updated,
    numberAvailable: s.available,
    numberUnavailable: s.desired - s.available,
  };
}

const FIELDS = [
  'observedGeneration', 'desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady',
  'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable',
] as const;

export const statusChanged = (ds: DaemonSet, status: DaemonSetStatus) =>
  FIELDS.some((f) => (status[f] ?? 0) !== (ds.status?.[f] ?? 0));
