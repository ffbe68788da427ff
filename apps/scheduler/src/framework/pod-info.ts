// A pod with what scheduling keeps asking about it worked out once (upstream's PodInfo): its
// inter-pod affinity terms with selectors compiled and namespaces resolved, and its requests.
import { labelSelectorFromObject, type LabelSelector } from '@k8ts/api';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1';
import { podRequests, type Resource } from './resource.ts';

export interface AffinityTerm {
  /** Namespaces named by the term; with no namespaceSelector and none named, the pod's own. */
  readonly namespaces: ReadonlySet<string>;
  /** Matches namespaces by their labels; `nothing` when the term has none. */
  readonly namespaceSelector: LabelSelector;
  readonly selector: LabelSelector;
  readonly topologyKey: string;
}

export interface WeightedAffinityTerm {
  readonly term: AffinityTerm;
  readonly weight: number;
}

export interface PodInfo {
  readonly pod: Pod;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** Requests as NodeResourcesFit counts them. */
  readonly requests: Resource;
  /** Requests with unset cpu/memory counted as the scoring defaults. */
  readonly nonZeroRequests: Resource;
}

function affinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const named = new Set(t.namespaces ?? []);
  if (named.size === 0 && !t.namespaceSelector) named.add(pod.metadata?.namespace ?? 'default');
  // matchLabelKeys/mismatchLabelKeys add requirements on the incoming pod's own label values.
  const selector = { ...(t.labelSelector ?? {}), matchExpressions: [...(t.labelSelector?.matchExpressions ?? [])] };
  const labels = pod.metadata?.labels ?? {};
  if (t.labelSelector) {
    for (const key of t.matchLabelKeys ?? [])
      if (labels[key] !== undefined) selector.matchExpressions.push({ key, operator: 'In', values: [labels[key]] });
    for (const key of t.mismatchLabelKeys ?? [])
      if (labels[key] !== undefined) selector.matchExpressions.push({ key, operator: 'NotIn', values: [labels[key]] });
  }
  return {
    namespaces: named,
    namespaceSelector: labelSelectorFromObject(t.namespaceSelector),
    selector: labelSelectorFromObject(t.labelSelector ? selector : null),
    topologyKey: t.topologyKey,
  };
}

const weighted = (pod: Pod, ts: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] =>
  (ts ?? []).map((w) => ({ term: affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));

export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec?.affinity;
  return {
    pod,
    requiredAffinityTerms: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinityTerms: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinityTerms: weighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: weighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, { nonZero: true }),
  };
}

/**
 * Whether `term` (of some pod) selects `pod`: the pod's namespace is one the term covers and its
 * labels match. `nsLabels` are the labels of the pod's namespace, for namespaceSelector.
 */
export function termMatches(term: AffinityTerm, pod: Pod, nsLabels: Readonly<Record<string, string>> | undefined): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  if (!term.namespaces.has(ns) && !term.namespaceSelector.matches(nsLabels ?? {})) return false;
  return term.selector.matches(pod.metadata?.labels ?? {});
}

export const hasAffinity = (p: PodInfo): boolean =>
  p.requiredAffinityTerms.length + p.requiredAntiAffinityTerms.length + p.preferredAffinityTerms.length + p.preferredAntiAffinityTerms.length > 0;

export const hasRequiredAntiAffinity = (p: PodInfo): boolean => p.requiredAntiAffinityTerms.length > 0;

/** The priority a pod was admitted with (spec.priority; 0 when unset, as upstream's PodPriority). */
export const podPriority = (pod: Pod): number => pod.spec?.priority ?? 0;
