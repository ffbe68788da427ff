// Stable hashing of objects, for the names and labels controllers derive from templates
// (pod-template-hash, controller-revision-hash) and the kubelet's container hash.

/** JSON with object keys sorted at every depth (undefined members dropped): equal objects, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 32-bit FNV-1a over the UTF-8 bytes of `s` (upstream hashes templates with FNV-32a). */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Consonants and digits that cannot spell words (upstream's rand.SafeEncodeString alphabet). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A hash's decimal digits spelled in the safe alphabet, as upstream's hash labels are. */
export const safeEncode = (n: number): string =>
  [...String(n)].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
