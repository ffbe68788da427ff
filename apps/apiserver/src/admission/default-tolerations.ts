// DefaultTolerationSeconds admission (upstream plugin/pkg/admission/defaulttolerationseconds):
// a new pod tolerates a not-ready or unreachable node for a bounded time (300 s by default)
// before the taint-eviction controller removes it, unless it already says how it tolerates them.
// A toleration with an empty key or an empty effect counts as tolerating, as upstream.
import type { ResourceInfo } from '@k8ts/api';
import type { KObject } from '../storage/watch-cache.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface DefaultTolerationSeconds {
  notReadySeconds: number;
  unreachableSeconds: number;
}

const tolerates = (ts: readonly Toleration[], key: string) =>
  ts.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));

/** Adds the default NoExecute tolerations to a pod being created. */
export function admitDefaultTolerations(o: DefaultTolerationSeconds, r: ResourceInfo, pod: KObject): void {
  if (r.kind !== 'Pod') return;
  const spec = (pod.spec ?? {}) as { tolerations?: Toleration[] };
  const existing = spec.tolerations ?? [];
  const added: Toleration[] = [];
  if (!tolerates(existing, TAINT_NOT_READY))
    added.push({ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: o.notReadySeconds });
  if (!tolerates(existing, TAINT_UNREACHABLE))
    added.push({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: o.unreachableSeconds });
  if (added.length > 0) pod.spec = { ...spec, tolerations: [...existing, ...added] };
}
