// GET of one object and LIST, with the upstream resourceVersion semantics:
//   unset → consistent (served from the watch cache once it has caught up with etcd),
//   "0" → whatever the cache holds now, N (NotOlderThan) → the cache once it reached N,
//   N with resourceVersionMatch=Exact, or a continue token → etcd at that revision.
import {
  badRequest, checkFieldSelector, expired, groupVersion, parseFieldSelector, parseLabelSelector,
  type FieldSelector, type LabelSelector, type ResourceInfo,
} from '@k8ts/api';
import type { ResourceStore } from '../registry/store.ts';
import type { CacheEntry, Selectable } from '../storage/codec.ts';
import { isCompacted } from '../storage/errors.ts';
import type { KObject } from '../storage/watch-cache.ts';
import { toTable } from '../tables/index.ts';
import type { Representation } from '../http/negotiate.ts';
import { q, rvParam, intParam, type ApiContext, type Query } from './context.ts';

export interface Filter {
  labels: LabelSelector;
  fields: FieldSelector;
  /** true when every object matches (no selector at all) */
  all: boolean;
  matches(x: Selectable): boolean;
}

export function filterOf(r: ResourceInfo, query: Query): Filter {
  const labels = parseLabelSelector(q(query, 'labelSelector') ?? '');
  const fields = parseFieldSelector(q(query, 'fieldSelector') ?? '');
  checkFieldSelector(r.kind, fields);
  const all = labels.empty && fields.empty;
  return {
    labels,
    fields,
    all,
    matches: (x) => all || (labels.matches(x.labels) && (fields.empty || fields.matches(x.fields))),
  };
}

export async function getObject(store: ResourceStore, ns: string | undefined, name: string, query: Query) {
  const rv = rvParam(query);
  if (rv === 0) {
    await store.cache.ready;
    const hit = store.cache.get(store.key(ns, name));
    if (hit) return hit.obj;
  }
  return store.get(ns, name);
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

const encodeContinue = (t: ContinueToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as ContinueToken;
    if (t.v === 'meta.k8s.io/v1' && Number.isInteger(t.rv) && typeof t.start === 'string' && !t.start.includes('/..')) return t;
  } catch { /* fall through */ }
  throw badRequest('continue: Invalid value: the continue token is not valid');
}

export interface ListResult {
  entries: CacheEntry[];
  resourceVersion: number;
  continue?: string;
  remainingItemCount?: number;
}

export async function listObjects(store: ResourceStore, ns: string | undefined, query: Query, filter: Filter): Promise<ListResult> {
  const rv = rvParam(query);
  const match = q(query, 'resourceVersionMatch');
  const limit = intParam(query, 'limit');
  const cont = q(query, 'continue');
  if (match !== undefined && match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && rv === undefined) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (cont && rv !== undefined && rv !== 0) throw badRequest('specifying resource version is not allowed when using continue');
  if (match === 'Exact' && rv === 0) throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
  const prefix = store.keyPrefix(ns);

  const paged = (limit !== undefined && limit > 0 && rv !== 0) || !!cont || match === 'Exact';
  if (!paged) {
    if (rv === undefined) {
      const { entries, revision } = await store.listConsistent(prefix);
      return { entries: entries.filter((e) => filter.matches(e)), resourceVersion: revision };
    }
    if (rv > 0) await store.cache.waitFor(rv);
    else await store.cache.ready;
    const entries = store.cache.list(prefix).filter((e) => filter.matches(e));
    return { entries, resourceVersion: store.cache.revision };
  }
  const token = cont ? decodeContinue(cont) : undefined;
  return listFromEtcd(store, prefix, filter, {
    // A paged list at resourceVersion N without a match rule is an exact read, as upstream's.
    revision: token ? token.rv : rv && rv > 0 && match !== 'NotOlderThan' ? rv : 0,
    start: token ? prefix + token.start : undefined,
    limit: limit && limit > 0 ? limit : 0,
  });
}

async function listFromEtcd(
  store: ResourceStore,
  prefix: string,
  filter: Filter,
  opts: { revision: number; start: string | undefined; limit: number },
): Promise<ListResult> {
  const out: CacheEntry[] = [];
  let start = opts.start;
  let revision = opts.revision;
  for (;;) {
    let page;
    try {
      page = await store.etcd.range(prefix, { start, revision, limit: opts.limit ? opts.limit - out.length + (filter.all ? 0 : 100) : 0 });
    } catch (e) {
      if (isCompacted(e)) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw e;
    }
    revision = page.revision;
    let lastKey: string | undefined;
    for (const kv of page.kvs) {
      lastKey = kv.key;
      const entry = store.entry(kv.key, kv.value, kv.rev);
      if (filter.matches(entry)) out.push(entry);
      if (opts.limit && out.length === opts.limit) {
        const more = page.more || kv !== page.kvs.at(-1);
        if (!more) return { entries: out, resourceVersion: revision };
        const remaining = filter.all ? page.count - page.kvs.indexOf(kv) - 1 : undefined;
        return {
          entries: out,
          resourceVersion: revision,
          continue: encodeContinue({ v: 'meta.k8s.io/v1', rv: revision, start: `${kv.key.slice(prefix.length)}\0` }),
          ...(remaining !== undefined && remaining > 0 ? { remainingItemCount: remaining } : {}),
        };
      }
    }
    if (!page.more || !lastKey) return { entries: out, resourceVersion: revision };
    start = `${lastKey}\0`;
  }
}

/** Serialises a list as JSON or a Table; lists reuse each object's cached JSON text. */
export function renderList(ctx: ApiContext, r: ResourceInfo, list: ListResult, rep: Representation): string {
  const metadata: Record<string, unknown> = { resourceVersion: String(list.resourceVersion) };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  if (rep.as === 'table') {
    const table = toTable(r, list.entries.map((e) => e.obj), { includeObject: rep.includeObject, now: ctx.now() });
    table.metadata = metadata as typeof table.metadata;
    return JSON.stringify(table);
  }
  const head = JSON.stringify({ kind: r.listKind, apiVersion: groupVersion(r), metadata });
  return `${head.slice(0, -1)},"items":[${list.entries.map((e) => e.json).join(',')}]}`;
}

export function renderObject(ctx: ApiContext, r: ResourceInfo, obj: Readonly<KObject>, rep: Representation): string {
  if (rep.as === 'table') {
    const table = toTable(r, [obj], { includeObject: rep.includeObject, now: ctx.now() });
    table.metadata = { resourceVersion: String(obj.metadata.resourceVersion ?? '') };
    return JSON.stringify(table);
  }
  return JSON.stringify(obj);
}
