// A StatefulSet pod's identity (upstream's stateful_set_utils.go): its name `<set>-<ordinal>`,
// the labels naming it and its index, its DNS hostname and subdomain, and its revision label.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { podFromTemplate } from '../../controller/pod-control.ts';
import { REVISION_LABEL, templateHash } from './revision.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The parent set's name and the ordinal a pod's name carries; ordinal -1 when it has none. */
export function parseOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1] ?? '', ordinal } : { parent: '', ordinal: -1 };
}

/** Whether the pod's name says it belongs to `set` (claiming only considers such pods). */
export const isMemberOf = (set: StatefulSet, pod: Pod): boolean => parseOrdinal(pod).parent === set.metadata?.name;

export const podName = (set: StatefulSet, ordinal: number) => `${set.metadata?.name ?? ''}-${ordinal}`;

/** The first ordinal (spec.ordinals.start, default 0). */
export const startOrdinal = (set: StatefulSet) => set.spec?.ordinals?.start ?? 0;

/** The revision name of a template: `<set>-<hash>` (no ControllerRevision objects exist here). */
export const revisionName = (set: StatefulSet, template: PodTemplateSpec | undefined) => `${set.metadata?.name ?? ''}-${templateHash(template)}`;

export const podRevision = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

/** The pod for `ordinal`, at `revision` built from `template`, as upstream's newVersionedStatefulSetPod. */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, revision: string, ordinal: number, ref: OwnerReference): Pod {
  const name = podName(set, ordinal);
  const pod = podFromTemplate(template, set, ref, { name });
  pod.metadata!.labels = { ...pod.metadata?.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision };
  pod.spec!.hostname = name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  return pod;
}

/** Name, namespace and identity labels as the set requires (upstream's identityMatches). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parseOrdinal(pod);
  const labels = pod.metadata?.labels ?? {};
  return parent === set.metadata?.name && ordinal >= 0 && pod.metadata?.namespace === set.metadata?.namespace
    && labels[POD_NAME_LABEL] === pod.metadata?.name && labels[POD_INDEX_LABEL] === String(ordinal);
}

/** The label patch that restores a pod's identity labels (hostname and subdomain are immutable on a live pod). */
export function identityPatch(pod: Pod): { metadata: { labels: Record<string, string> } } {
  return { metadata: { labels: { [POD_NAME_LABEL]: pod.metadata?.name ?? '', [POD_INDEX_LABEL]: String(parseOrdinal(pod).ordinal) } } };
}

export const isCreated = (pod: Pod) => Boolean(pod.metadata?.uid) || Boolean(pod.status?.phase);
export const isTerminating = (pod: Pod) => Boolean(pod.metadata?.deletionTimestamp);
export const isFinished = (pod: Pod) => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
export const isRunningAndReady = (pod: Pod) =>
  pod.status?.phase === 'Running' && (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
