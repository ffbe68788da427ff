// Hashes for discovery documents.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal documents hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The ETag of a discovery document (without quotes): upper-case hex SHA-512, as upstream's
 *  aggregated discovery handler computes it, taken over a canonical encoding. */
export function discoveryETag(body: object): string {
  return createHash('sha512').update(canonical(body)).digest('hex').toUpperCase();
}

/** APIResource.storageVersionHash: the first 8 bytes of SHA-256 over "<group>/<version>/<kind>"
 *  of the version the object is stored in, base64 — clients only compare it for equality. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}
