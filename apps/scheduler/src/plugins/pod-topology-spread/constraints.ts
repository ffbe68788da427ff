// A pod's topology spread constraints in the form filtering and scoring use: selector compiled
// (with matchLabelKeys folded in), the optional fields defaulted. A pod with no constraints of
// its own gets the plugin's default constraints, selecting the pods of the same Services and
// controllers (Handle.defaultSelector) — and none at all when nothing selects it.
import { labelSelectorFromObject, selectorFromRequirements, type LabelSelector } from '@k8ts/api';
import type { Node, Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1';
import type { PodInfo } from '../../framework/pod-info.ts';
import { podMatchesNodeSelectorAndAffinityTerms } from '../node-affinity/index.ts';
import { doNotScheduleTaints, findUntoleratedTaint } from '../taint-toleration/index.ts';

export type Action = 'DoNotSchedule' | 'ScheduleAnyway';
export type InclusionPolicy = 'Honor' | 'Ignore';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector;
  /** 1 when unset. */
  readonly minDomains: number;
  /** Whether nodes the pod's nodeSelector/required node affinity exclude count as domains; Honor when unset. */
  readonly nodeAffinityPolicy: InclusionPolicy;
  /** Whether nodes with taints the pod does not tolerate count as domains; Ignore when unset. */
  readonly nodeTaintsPolicy: InclusionPolicy;
}

export const HOSTNAME_KEY = 'kubernetes.io/hostname';
export const ZONE_KEY = 'topology.kubernetes.io/zone';

/** The constraints defaultingType System applies: soft spreading over hosts, then zones. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: HOSTNAME_KEY, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: ZONE_KEY, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

export interface Defaults {
  readonly constraints: readonly TopologySpreadConstraint[];
  /** The selector default constraints use for `pod` (Handle.defaultSelector). */
  selectorFor(pod: Pod): LabelSelector;
}

/**
 * matchLabelKeys: the pod's own values for those keys are ANDed into the selector, so that e.g.
 * each rollout revision (pod-template-hash) spreads on its own. Keys the pod lacks are ignored.
 */
function withMatchLabelKeys(selector: LabelSelector, keys: readonly string[] | undefined, podLabels: Readonly<Record<string, string>>): LabelSelector {
  const reqs = (keys ?? []).flatMap((key) => (podLabels[key] === undefined ? [] : [{ key, op: '=' as const, values: [podLabels[key]] }]));
  return reqs.length === 0 ? selector : selectorFromRequirements([...reqs, ...selector.requirements]);
}

function compile(cs: readonly TopologySpreadConstraint[], action: Action, podLabels: Readonly<Record<string, string>>): SpreadConstraint[] {
  return cs
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => ({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: withMatchLabelKeys(labelSelectorFromObject(c.labelSelector), c.matchLabelKeys, podLabels),
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: (c.nodeAffinityPolicy as InclusionPolicy | undefined) ?? 'Honor',
      nodeTaintsPolicy: (c.nodeTaintsPolicy as InclusionPolicy | undefined) ?? 'Ignore',
    }));
}

/** The pod's constraints for one action (hard: DoNotSchedule, soft: ScheduleAnyway); throws on a bad selector. */
export function constraintsFor(pod: Pod, action: Action, defaults: Defaults): SpreadConstraint[] {
  const podLabels = pod.metadata?.labels ?? {};
  const own = pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return compile(own, action, podLabels);
  const cs = compile(defaults.constraints, action, podLabels);
  if (cs.length === 0) return cs;
  const selector = defaults.selectorFor(pod);
  if (selector.empty) return [];
  return cs.map((c) => ({ ...c, selector }));
}

/** Whether the node carries every constraint's topology key. */
export const nodeHasAllKeys = (node: Node | undefined, cs: readonly SpreadConstraint[]): boolean => {
  const labels = node?.metadata?.labels ?? {};
  return cs.every((c) => labels[c.topologyKey] !== undefined);
};

/** Whether the node counts as a domain of `c` for `pod`, by its nodeAffinityPolicy and nodeTaintsPolicy. */
export function nodeIncluded(c: SpreadConstraint, pod: Pod, node: Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podMatchesNodeSelectorAndAffinityTerms(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints)) return false;
  return true;
}

/** Pods of `namespace` the selector matches, leaving out pods being deleted. */
export function countMatching(pods: readonly PodInfo[], selector: LabelSelector, namespace: string): number {
  let n = 0;
  for (const { pod } of pods) {
    if (pod.metadata?.deletionTimestamp || (pod.metadata?.namespace ?? 'default') !== namespace) continue;
    if (selector.matches(pod.metadata?.labels ?? {})) n++;
  }
  return n;
}
