// The pod-template-hash: what names a Deployment's ReplicaSets and keeps their pods apart.
// Upstream hashes the Go object with FNV-32a and spells the number in a vowel-free alphabet;
// ours hashes the canonical JSON of the template (keys sorted, empty values dropped) the same
// way, so the same template always gets the same ReplicaSet name, and collisionCount changes it.
import { fnv32a, safeEncode } from '@k8ts/api';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/**
 * Drops undefined, null, empty strings, empty arrays and empty objects, recursively: Go's zero
 * values, which serialize as absent, so the API treats them alike.
 */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => prune(x) ?? null);
  if (v === null || v === '' || typeof v !== 'object') return v === null || v === '' ? undefined : v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = prune((v as Record<string, unknown>)[k]);
    if (x !== undefined) out[k] = x;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** JSON with sorted keys and empty values dropped: equal for semantically equal objects. */
export const canonicalJSON = (v: unknown): string => JSON.stringify(prune(v) ?? null);

/** The hash label value of a Deployment's template; bumping collisionCount yields a new one. */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  const input = canonicalJSON(template) + (collisionCount !== undefined ? `\u0000${collisionCount >>> 0}` : '');
  return safeEncode(fnv32a(input));
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  if (!t?.metadata?.labels?.[POD_TEMPLATE_HASH]) return t;
  const { [POD_TEMPLATE_HASH]: _h, ...labels } = t.metadata.labels;
  return { ...t, metadata: { ...t.metadata, labels } };
}

/** Templates equal once the hash label is ignored (upstream's EqualIgnoreHash, semantic equality). */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean =>
  canonicalJSON(withoutHash(a)) === canonicalJSON(withoutHash(b));
