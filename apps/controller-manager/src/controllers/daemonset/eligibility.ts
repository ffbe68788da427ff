// Which nodes a DaemonSet's pod belongs on (upstream's NodeShouldRunDaemonPod). The controller
// does not schedule; it applies the scheduler's node rules — nodeSelector, required node affinity,
// taints the pod (with the daemon tolerations) does not tolerate — to decide where a pod is wanted.
import { newRequirement, selectorFromRequirements, selectorFromSet, type LabelOp } from '@k8ts/api';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from 'kubernetes-types/core/v1';
import { withDaemonTolerations } from './daemon-pod.ts';

const LABEL_OPS: Readonly<Record<string, LabelOp>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function expressionsMatch(reqs: readonly NodeSelectorRequirement[], node: Node): boolean {
  const parsed = reqs.map((r) => {
    const op = LABEL_OPS[r.operator];
    if (!op) throw new Error(`${r.operator} is not a valid node selector operator`);
    return newRequirement(r.key, op, r.values ?? []);
  });
  return selectorFromRequirements(parsed).matches(node.metadata?.labels ?? {});
}

/** matchFields may only name metadata.name, with In or NotIn and one value. */
function fieldsMatch(reqs: readonly NodeSelectorRequirement[], node: Node): boolean {
  return reqs.every((r) => {
    if (r.key !== 'metadata.name' || (r.values ?? []).length !== 1) throw new Error(`invalid node field selector ${r.key}`);
    const equal = r.values![0] === node.metadata?.name;
    if (r.operator === 'In') return equal;
    if (r.operator === 'NotIn') return !equal;
    throw new Error(`${r.operator} is not a valid node field selector operator`);
  });
}

/** Terms are ORed; a term's parts are ANDed; an empty or invalid term selects no node. */
export function nodeMatchesTerms(node: Node, terms: readonly NodeSelectorTerm[]): boolean {
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    try {
      return (exprs.length === 0 || expressionsMatch(exprs, node)) && (fields.length === 0 || fieldsMatch(fields, node));
    } catch {
      return false;
    }
  });
}

/** spec.nodeSelector and required node affinity (upstream's GetRequiredNodeAffinity(pod).Match). */
export function podFitsNode(spec: PodSpec | undefined, node: Node): boolean {
  if (spec?.nodeSelector && !selectorFromSet(spec.nodeSelector).matches(node.metadata?.labels ?? {})) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? nodeMatchesTerms(node, required.nodeSelectorTerms ?? []) : true;
}

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if ((t.operator ?? 'Equal') !== 'Equal') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

const untolerated = (taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]) =>
  taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)));

export interface Placement {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** A daemon pod already on the node may stay (only an untolerated NoExecute taint evicts it). */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Placement {
  const spec = withDaemonTolerations(ds.spec?.template.spec);
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return no;
  if (!podFitsNode(spec, node)) return no;
  const taints = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
