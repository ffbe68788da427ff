// Revision identity without ControllerRevision objects. Our API has no ControllerRevision kind,
// so a revision is named by a stable hash of the pod template alone: the FNV-1a (32-bit) hash of
// the template's canonical JSON (keys sorted), its decimal digits spelled in upstream's
// "safe" alphabet (no vowels, no look-alike digits) as the label value `controller-revision-hash`
// carries. A StatefulSet revision is `<set>-<hash>` (status.currentRevision/updateRevision and
// the pods' label, as upstream names its ControllerRevisions); a DaemonSet labels its pods with
// the bare hash, as upstream does. Equal templates give equal hashes in every process.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';

export const REVISION_LABEL = 'controller-revision-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every depth, so equal objects give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The template's hash as a label value, e.g. "5b8f9c7d6". */
export function templateHash(template: PodTemplateSpec | undefined): string {
  const digits = String(fnv1a32(canonicalJson(template ?? {})));
  return [...digits].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}
