// PATCH bodies other than server-side apply: JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386)
// and strategic merge patch, with the status codes upstream's patch handler answers.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError, badRequest } from '@k8ts/api';
import { shapeOf } from './schema.ts';
import { PatchError, strategicMerge } from './strategic.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

/** Content-Type → PatchType; undefined for anything else (the caller answers 415). */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  return media ? CONTENT_TYPES[media] : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const goType = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v);

/** What upstream answers when a well-formed patch cannot be applied (a failed `test`, a missing path). */
const rejected = () => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** json / merge / strategic. `original` is never mutated; bad patches are 400 or 422, never 500. */
export function applyPatch(type: Exclude<PatchType, 'apply'>, original: object, patch: unknown, kind: string): object {
  switch (type) {
    case 'json':
      return jsonPatch(original, patch);
    case 'merge':
      return asObject(mergePatch(structuredClone(original), patch));
    case 'strategic':
      if (!isObj(patch)) throw badRequest(`json: cannot unmarshal ${goType(patch)} into Go value of type map[string]interface {}`);
      try {
        return strategicMerge(original as Obj, patch, shapeOf(kind));
      } catch (e) {
        if (!(e instanceof PatchError)) throw e;
        throw e.code === 400 ? badRequest(e.message) : rejected();
      }
  }
}

function jsonPatch(original: object, patch: unknown): object {
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${goType(patch)} into Go value of type jsonpatch.Patch`);
  const bad = patch.find((op) => !isObj(op));
  if (bad !== undefined) throw badRequest(`json: cannot unmarshal ${goType(bad)} into Go value of type jsonpatch.Operation`);
  let result: unknown;
  try {
    result = jsonpatch.applyPatch(structuredClone(original), patch as Operation[], true, true).newDocument;
  } catch {
    throw rejected();
  }
  return asObject(result);
}

/** RFC 7386: objects merge key by key, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A patch that turns the object into something else cannot be decoded back into the kind. */
function asObject(v: unknown): object {
  if (!isObj(v)) throw badRequest(`json: cannot unmarshal ${goType(v)} into Go value of type map[string]interface {}`);
  return v;
}
