// Semantic equality for API objects as these controllers compare them: key order does not
// matter, and a pod reference's resourceVersion is ignored so that pod updates endpoints do not
// show (annotations, status details) cause no writes.
import { ApiError } from '@k8ts/api';

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || (k === 'resourceVersion' && 'uid' in v && 'kind' in v)) continue;
      out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

export const semanticEqual = (a: unknown, b: unknown): boolean => JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));

/** Creating content in a namespace being deleted fails; retrying cannot help. */
export const isNamespaceTerminating = (err: unknown): boolean =>
  err instanceof ApiError && err.code === 403 &&
  (/being terminated/.test(err.message) || (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating'));
