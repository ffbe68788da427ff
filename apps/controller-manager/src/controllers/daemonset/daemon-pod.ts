// What a DaemonSet's pod looks like (upstream's daemon/util): the template with the daemon
// tolerations added, the revision label, and required node affinity pinned to one node through
// `matchFields metadata.name In [node]`, so that the scheduler, not this controller, binds it.
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Affinity, Pod, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1';
import { REVISION_LABEL } from '../statefulset/revision.ts';

const exists = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({ key, operator: 'Exists', effect });

/**
 * Daemon pods survive node conditions that evict or repel other pods: not-ready and unreachable
 * (NoExecute, no tolerationSeconds: never evicted), the pressure conditions and cordoning
 * (NoSchedule), and for host-network pods a missing pod network.
 */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const t = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (spec?.hostNetwork) t.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return t;
}

const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '');

/** A copy of `spec` whose tolerations include the daemon ones; a user's equal toleration is replaced (dropping its tolerationSeconds). */
export function withDaemonTolerations(spec: PodSpec | undefined): PodSpec {
  const out: PodSpec = structuredClone(spec ?? { containers: [] });
  const tolerations = [...(out.tolerations ?? [])];
  for (const t of daemonTolerations(out)) {
    const i = tolerations.findIndex((x) => sameToleration(x, t));
    if (i >= 0) tolerations[i] = t;
    else tolerations.push(t);
  }
  out.tolerations = tolerations;
  return out;
}

/** The affinity with its required node terms replaced by one term selecting `nodeName` by field. */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const out: Affinity = structuredClone(affinity ?? {});
  out.nodeAffinity = {
    ...out.nodeAffinity,
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
    },
  };
  return out;
}

/** The template a daemon pod for `nodeName` is created from. */
export function daemonPodTemplate(ds: DaemonSet, hash: string, nodeName: string): PodTemplateSpec {
  const template = ds.spec?.template ?? {};
  const spec = withDaemonTolerations(template.spec);
  spec.affinity = pinToNode(spec.affinity, nodeName);
  return { metadata: { ...structuredClone(template.metadata ?? {}), labels: { ...template.metadata?.labels, [REVISION_LABEL]: hash } }, spec };
}

/** The node a daemon pod is bound or pinned to (upstream's GetTargetNodeName); '' if neither. */
export function targetNodeName(pod: Pod): string {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0]!;
    }
  }
  return '';
}
