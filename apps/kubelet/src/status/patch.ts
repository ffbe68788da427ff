// The strategic-merge patch the kubelet sends to pods/status: the two-way diff of
// {status: old} → {metadata: {uid}, status: new}, so the uid acts as a precondition (a pod
// recreated under the same name is never patched with the old pod's status). Lists PodStatus
// merges by key (conditions by type, podIPs and hostIPs by ip) get element patches, `$patch:
// delete` entries and a `$setElementOrder/<list>` directive; every other list is replaced whole.
import type { PodStatus } from 'kubernetes-types/core/v1';
import { jsonEqual } from './equal.ts';

type Json = Record<string, unknown>;

/** Merge keys of PodStatus's keyed lists, by path below the patch root. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  'status.conditions': 'type',
  'status.podIPs': 'ip',
  'status.hostIPs': 'ip',
};

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSet = (v: unknown) => v !== undefined && v !== null;

export interface StatusPatch {
  metadata?: { uid: string };
  status?: Json;
}

/** The patch body; `status` is absent when nothing changed. */
export function statusPatch(old: PodStatus, next: PodStatus, uid?: string): StatusPatch {
  const status = diffMaps(old as Json, next as Json, 'status');
  return { ...(uid ? { metadata: { uid } } : {}), ...(Object.keys(status).length ? { status } : {}) };
}

function diffMaps(a: Json, b: Json, path: string): Json {
  const patch: Json = {};
  for (const [k, v] of Object.entries(a)) if (isSet(v) && !isSet(b[k])) patch[k] = null;
  for (const [k, v] of Object.entries(b)) {
    if (!isSet(v)) continue;
    const o = a[k];
    if (jsonEqual(o, v)) continue;
    const sub = `${path}.${k}`;
    if (isMap(o) && isMap(v)) {
      const d = diffMaps(o, v, sub);
      if (Object.keys(d).length) patch[k] = d;
    } else if (Array.isArray(o) && Array.isArray(v) && MERGE_KEYS[sub]) {
      Object.assign(patch, diffKeyedList(k, o, v, MERGE_KEYS[sub], sub));
    } else {
      patch[k] = v;
    }
  }
  return patch;
}

function diffKeyedList(name: string, a: unknown[], b: unknown[], key: string, path: string): Json {
  const keyOf = (x: unknown) => (isMap(x) ? x[key] : undefined);
  const elements: unknown[] = [];
  for (const item of b) {
    const before = a.find((x) => keyOf(x) === keyOf(item));
    if (before === undefined) elements.push(item);
    else if (isMap(before) && isMap(item) && !jsonEqual(before, item)) elements.push({ ...diffMaps(before, item, path), [key]: keyOf(item) });
  }
  for (const item of a) {
    if (!b.some((x) => keyOf(x) === keyOf(item))) elements.push({ [key]: keyOf(item), $patch: 'delete' });
  }
  const sameOrder = a.length === b.length && a.every((x, i) => keyOf(x) === keyOf(b[i]));
  const out: Json = {};
  if (elements.length) out[name] = elements;
  if (elements.length || !sameOrder) out[`$setElementOrder/${name}`] = b.map((x) => ({ [key]: keyOf(x) }));
  return out;
}
