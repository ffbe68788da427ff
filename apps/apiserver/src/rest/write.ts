// Create, update (PUT), patch and delete. Each request body is decoded and checked against the
// URL first; the store then prepares, validates and writes in one transaction.
import {
  ApiError, applyDefaults, badRequest, groupVersion, methodNotAllowed, unsupportedMediaType, type ResourceInfo,
} from '@k8ts/api';
import { decodeTyped, unknownFields } from '../openapi/index.ts';
import { applyPatch, patchTypeOf, serverSideApply, trackUpdate } from '../patch/index.ts';
import type { DeleteOptions, ResourceStore } from '../registry/store.ts';
import type { KObject } from '../storage/watch-cache.ts';
import { decodeBody, decodeObject } from '../http/negotiate.ts';
import { dryRunOf, intParam, q, type ApiContext, type Query } from './context.ts';

export interface WriteRequest {
  r: ResourceInfo;
  store: ResourceStore;
  namespace: string | undefined;
  name: string | undefined;
  query: Query;
  body: Buffer | undefined;
  contentType: string | undefined;
  userAgent: string | undefined;
  /** `Warning` headers for the response (fieldValidation=Warn) */
  warnings: string[];
}

/** The field manager of a write: the parameter, else the user agent's program name (upstream). */
export function managerOf(w: Pick<WriteRequest, 'query' | 'userAgent'>): string {
  const m = q(w.query, 'fieldManager');
  if (m !== undefined) {
    if (m.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return m;
  }
  return (w.userAgent ?? 'unknown').split('/')[0]!.slice(0, 128) || 'unknown';
}

/** Checks a decoded body against the URL: kind, apiVersion, namespace, name. */
export function checkBody(ctx: ApiContext, w: WriteRequest, input: Record<string, unknown>, kind = w.r.kind): KObject {
  const gv = groupVersion(w.r);
  if (input.apiVersion !== undefined && input.apiVersion !== gv && kind === w.r.kind) {
    throw badRequest(`the API version in the data (${String(input.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (input.kind !== undefined && input.kind !== kind) {
    throw badRequest(`the kind in the data (${String(input.kind)}) does not match the expected kind (${kind})`);
  }
  const validation = q(w.query, 'fieldValidation') ?? 'Ignore';
  if (validation !== 'Ignore' && validation !== 'Warn' && validation !== 'Strict') {
    throw badRequest(`fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const typed = ctx.schemas && kind === w.r.kind;
  if (typed && validation !== 'Ignore') {
    const unknown = unknownFields(ctx.schemas!, gv, kind, input);
    if (validation === 'Warn') w.warnings.push(...unknown);
    else if (unknown.length) {
      throw badRequest(`${kind} in version "${w.r.version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.join(', ')}`);
    }
  }
  const obj = typed ? decodeTyped(ctx.schemas!, gv, kind, input) : input;
  if (obj.metadata === undefined) obj.metadata = {};
  if (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw badRequest('metadata: Invalid value: must be an object');
  const meta = obj.metadata as KObject['metadata'];
  if (w.r.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== w.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (w.name !== undefined && meta.name !== undefined && meta.name !== w.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${w.name})`);
  }
  obj.apiVersion = gv;
  obj.kind = kind;
  return obj as KObject;
}

const writeCtx = (ctx: ApiContext, w: WriteRequest) => ({ now: ctx.now(), dryRun: dryRunOf(w.query) });

export async function create(ctx: ApiContext, w: WriteRequest): Promise<KObject> {
  if (w.r.namespaced && !w.namespace) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  const obj = checkBody(ctx, w, decodeObject(w.body, w.contentType));
  const wctx = writeCtx(ctx, w);
  // Defaulting belongs to decoding (as upstream's scheme), so the creator owns the defaulted
  // fields in managedFields; the strategy's own defaulting then finds nothing left to do.
  applyDefaults(w.r.kind, obj);
  const tracked = trackUpdate({ live: undefined, updated: obj, manager: managerOf(w), kind: w.r.kind, apiVersion: groupVersion(w.r), now: wctx.now }) as KObject;
  return w.store.create(w.namespace, tracked, wctx);
}

export async function update(ctx: ApiContext, w: WriteRequest, subresource?: 'status'): Promise<KObject> {
  const obj = checkBody(ctx, w, decodeObject(w.body, w.contentType));
  const wctx = writeCtx(ctx, w);
  const manager = managerOf(w);
  return w.store.update(w.namespace, w.name!, (current) => {
    const next = structuredClone(obj);
    next.metadata.name = w.name;
    if (w.r.namespaced) next.metadata.namespace = w.namespace;
    if (!subresource) applyDefaults(w.r.kind, next);
    return trackUpdate({ live: current, updated: next, manager, kind: w.r.kind, apiVersion: groupVersion(w.r), now: wctx.now, ...(subresource ? { subresource } : {}) }) as KObject;
  }, { ...wctx, ...(subresource ? { subresource } : {}) });
}

export async function patch(ctx: ApiContext, w: WriteRequest, subresource?: 'status'): Promise<KObject> {
  const type = patchTypeOf(w.contentType);
  if (!type) throw unsupportedMediaType(w.contentType ?? '');
  const body = decodeBody(w.body, w.contentType);
  const wctx = writeCtx(ctx, w);
  const manager = q(w.query, 'fieldManager');
  const gv = groupVersion(w.r);
  if (type === 'apply') {
    if (manager === undefined) throw badRequest('fieldManager: Required value: is required for apply patch');
    const force = q(w.query, 'force') === 'true';
    const applied = checkBody(ctx, w, asObject(body));
    const args = { applied, manager, force, kind: w.r.kind, apiVersion: gv, now: wctx.now, ...(subresource ? { subresource } : {}) };
    try {
      return await w.store.update(w.namespace, w.name!, (current) => {
        const merged = serverSideApply({ ...args, live: current }) as KObject;
        if (!pinsVersion(applied)) delete merged.metadata.resourceVersion;
        return merged;
      }, { ...wctx, ...(subresource ? { subresource } : {}) });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404) || subresource) throw e;
      const created = serverSideApply({ ...args, live: undefined }) as KObject;
      if (w.r.namespaced) created.metadata.namespace = w.namespace;
      return w.store.create(w.namespace, created, wctx);
    }
  }
  if (q(w.query, 'force') !== undefined) throw badRequest('force: Forbidden: may not be specified for non-apply patch');
  return w.store.update(w.namespace, w.name!, (current) => {
    const patched = applyPatch(type, current, body, w.r.kind) as KObject;
    const checked = checkBody(ctx, { ...w, query: { ...w.query, fieldValidation: 'Ignore' } }, patched as Record<string, unknown>);
    // A patch that does not pin a resourceVersion applies to whatever is current (and is retried).
    if (!pinsVersion(body)) delete checked.metadata.resourceVersion;
    return trackUpdate({ live: current, updated: checked, manager: managerOf(w), kind: w.r.kind, apiVersion: gv, now: wctx.now, ...(subresource ? { subresource } : {}) }) as KObject;
  }, { ...wctx, ...(subresource ? { subresource } : {}) });
}

/** Whether a patch or applied configuration sets metadata.resourceVersion (a precondition). */
export const pinsVersion = (body: unknown) =>
  (body as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion !== undefined;

const asObject = (v: unknown): Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest('the patch body must be an object');
  return v as Record<string, unknown>;
};

/** DeleteOptions from the body (if any) and the query, as kubectl and client-go send them. */
export function deleteOptionsOf(w: WriteRequest): DeleteOptions {
  let body: Record<string, unknown> = {};
  if (w.body && w.body.length > 0) body = decodeObject(w.body, w.contentType);
  if (body.kind !== undefined && body.kind !== 'DeleteOptions') throw badRequest(`the kind in the data (${String(body.kind)}) does not match DeleteOptions`);
  const grace = intParam(w.query, 'gracePeriodSeconds') ?? (body.gracePeriodSeconds as number | undefined);
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw badRequest('gracePeriodSeconds: Invalid value: must be an integer');
  let policy = (q(w.query, 'propagationPolicy') ?? body.propagationPolicy) as DeleteOptions['propagationPolicy'] | undefined;
  const orphan = q(w.query, 'orphanDependents') ?? body.orphanDependents;
  if (orphan !== undefined && policy !== undefined) throw badRequest('orphanDependents and propagationPolicy: Invalid value: both may not be set');
  if (orphan !== undefined) policy = String(orphan) === 'true' ? 'Orphan' : 'Background';
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const preconditions = body.preconditions as DeleteOptions['preconditions'] | undefined;
  const dryRun = dryRunOf(w.query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  return { gracePeriodSeconds: grace, propagationPolicy: policy, preconditions, dryRun };
}

export async function remove(ctx: ApiContext, w: WriteRequest) {
  const opts = deleteOptionsOf(w);
  const res = await w.store.delete(w.namespace, w.name!, opts, { now: ctx.now(), dryRun: !!opts.dryRun });
  // 202 while the object waits for finalizers or a grace period, as upstream.
  const code = res.deleted || opts.dryRun ? 200 : 202;
  if (!res.deleted || w.store.strategy.returnDeletedObject) return { code, body: res.obj as object };
  const meta = res.obj.metadata;
  return {
    code,
    body: {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name: meta.name, ...(w.r.group ? { group: w.r.group } : {}), kind: w.r.plural, uid: meta.uid },
    },
  };
}

export async function removeCollection(ctx: ApiContext, w: WriteRequest, objects: readonly Readonly<KObject>[]) {
  const opts = deleteOptionsOf(w);
  const deleted: object[] = [];
  for (const o of objects) {
    try {
      const res = await w.store.delete(o.metadata.namespace, String(o.metadata.name), opts, { now: ctx.now(), dryRun: !!opts.dryRun });
      deleted.push(res.obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  return deleted;
}
