// upstream's helper.DefaultSelector: the pods a pod should be spread from by default are those
// selected by the same Services, ReplicaSets and StatefulSets that select it. The result is the
// AND of all their selectors' requirements; with none, an empty selector (no default spreading).
import { labelSelectorFromObject, selectorFromRequirements, selectorFromSet, type LabelSelector, type Requirement } from '@k8ts/api';
import type { Lister } from '@k8ts/client';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod, Service } from 'kubernetes-types/core/v1';

export interface SelectorSources {
  services: Lister<Service>;
  replicaSets: Lister<ReplicaSet>;
  statefulSets: Lister<StatefulSet>;
}

export function defaultSelector(src: SelectorSources, pod: Pod): LabelSelector {
  const ns = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  const reqs: Requirement[] = [];
  for (const svc of src.services.byNamespace(ns)) {
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    const s = selectorFromSet(sel);
    if (s.matches(labels)) reqs.push(...s.requirements);
  }
  for (const owner of [...src.replicaSets.byNamespace(ns), ...src.statefulSets.byNamespace(ns)]) {
    let s: LabelSelector;
    try {
      s = labelSelectorFromObject(owner.spec?.selector);
    } catch {
      continue; // an invalid selector selects nothing
    }
    if (!s.empty && s.matches(labels)) reqs.push(...s.requirements);
  }
  return selectorFromRequirements(reqs);
}
