// metadata.managedFields: reading and writing the entries, the fields no manager ever owns, and
// ownership tracking for ordinary writes (create / update / non-apply patch).

import { isDeepStrictEqual } from 'node:util';
import { difference, fromFieldsV1, MEMBER, toFieldsV1, union, withoutSubtrees, type FieldSet } from './fieldset.ts';
import { shapeOf } from './schema.ts';
import { changedFieldsV1, compare, isObj, zeroFill, type Comparison } from './walk.ts';
import { rfc3339 } from '../time.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: object;
  subresource?: string;
}

/** One manager's ownership as a set, with the entry it came from. */
export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  set: FieldSet;
}

type Obj = Record<string, unknown>;

/** Upstream tells managers apart by name, operation and subresource, and Update ones also by version. */
export const ownerId = (o: Pick<Owner, 'manager' | 'operation' | 'apiVersion' | 'subresource'>) =>
  JSON.stringify([o.manager, o.operation, o.operation === 'Update' ? o.apiVersion : '', o.subresource ?? '']);

export function readOwners(obj: object | undefined): Owner[] {
  const meta = (obj as Obj | undefined)?.metadata;
  const entries = isObj(meta) && Array.isArray(meta.managedFields) ? (meta.managedFields as unknown[]) : [];
  return entries.filter(isObj).flatMap((e): Owner[] => {
    if (typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) return [];
    return [{
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : '',
      ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
      set: fromFieldsV1(e.fieldsV1),
    }];
  });
}

/** Returns `obj` with a new metadata carrying the owners (empty ones dropped) in upstream's order:
 *  Apply before Update, then oldest first, then by manager name. Only the top level and metadata
 *  are copied: the rest is shared with `obj`, which callers hand over (it is a fresh decode). */
export function writeOwners(obj: object, owners: Owner[]): object {
  const entries: ManagedFieldsEntry[] = owners
    .filter((o) => o.set.size > 0)
    .sort((a, b) => cmp(a.operation, b.operation) || cmp(a.time, b.time) || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource ?? '', b.subresource ?? ''))
    .map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.set),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    }));
  const out = { ...(obj as Obj) };
  const meta = (out.metadata = isObj(out.metadata) ? { ...out.metadata } : {});
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Identity and bookkeeping fields nobody owns (upstream's StripMeta), kept out of every set.
const STRIPPED = ['apiVersion', 'kind'];
const STRIPPED_META = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion'];

/** The object without the identity fields nobody owns. */
export function stripped(obj: object | undefined): object {
  const out: Obj = { ...((obj ?? {}) as Obj) };
  for (const k of STRIPPED) delete out[k];
  if (isObj(out.metadata)) {
    const meta = { ...out.metadata };
    for (const k of STRIPPED_META) delete meta[k];
    out.metadata = meta;
  }
  return out;
}

/** The object as compared for ownership: stripped, with zero-object structs filled. */
const tracked = (obj: object | undefined, kind: string) => zeroFill(stripped(obj), shapeOf(kind));

/** Fields a write through this endpoint cannot own: the other side of the status subresource
 *  (upstream's reset fields), and `metadata` itself (only its children are owned). */
const resetFields = (subresource: string | undefined) => (subresource === 'status' ? ['f:spec'] : subresource ? [] : ['f:status']);

export function owned(set: FieldSet, subresource: string | undefined): FieldSet {
  const out = withoutSubtrees(set, resetFields(subresource));
  out.delete('f:metadata');
  return out;
}

/** owned() for a FieldsV1 object (changed in place). */
function ownedFieldsV1(fields: Obj, subresource: string | undefined): Obj {
  for (const f of resetFields(subresource)) delete fields[f];
  const meta = fields['f:metadata'];
  if (isObj(meta)) {
    delete meta[MEMBER];
    if (Object.keys(meta).length === 0) delete fields['f:metadata'];
  }
  return fields;
}

export function compareTracked(live: object | undefined, next: object, kind: string, subresource: string | undefined): Comparison {
  const c = compare(tracked(live, kind), tracked(next, kind), shapeOf(kind));
  return { added: owned(c.added, subresource), modified: owned(c.modified, subresource), removed: owned(c.removed, subresource) };
}

/** Managed fields given in a write replace the stored ones (upstream lets a client reset them). */
function baseline(live: object | undefined, updated: object): Owner[] {
  const given = ((updated as Obj).metadata as Obj | undefined)?.managedFields;
  const stored = ((live as Obj | undefined)?.metadata as Obj | undefined)?.managedFields;
  return Array.isArray(given) && given.length > 0 && !isDeepStrictEqual(given, stored) ? readOwners(updated) : readOwners(live);
}

/** Records an ordinary write: the manager gains what it added or changed, and every manager
 *  loses what it no longer can claim (changed by someone else, or removed). */
export function trackUpdate(a: { live: object | undefined; updated: object; manager: string; kind: string; apiVersion: string; now: Date; subresource?: string }): object {
  const owners = baseline(a.live, a.updated);
  if (owners.length === 0) return firstOwner(a);
  const c = compareTracked(a.live, a.updated, a.kind, a.subresource);
  const changed = union(c.added, c.modified);
  const me = { manager: a.manager, operation: 'Update' as const, apiVersion: a.apiVersion, ...(a.subresource ? { subresource: a.subresource } : {}) };
  const id = ownerId(me);
  let mine = owners.find((o) => ownerId(o) === id);
  for (const o of owners) if (o !== mine) o.set = difference(difference(o.set, changed), c.removed);
  const before = mine?.set ?? new Set<string>();
  const after = union(difference(before, c.removed), changed);
  if (!mine) owners.push((mine = { ...me, time: '', set: after }));
  mine.set = after;
  if (changed.size > 0 || c.removed.size > 0 || !isDeepStrictEqual(before, after) || mine.time === '') mine.time = rfc3339(a.now);
  return writeOwners(a.updated, owners);
}

/**
 * trackUpdate when no manager owns anything yet (a create, or an object written before managed
 * fields were kept): the writer owns every field it sets, so its entry is built straight from the
 * object — creates are the commonest write, and this is most of their bookkeeping.
 */
function firstOwner(a: { live: object | undefined; updated: object; manager: string; kind: string; apiVersion: string; now: Date; subresource?: string }): object {
  const shape = shapeOf(a.kind);
  const fieldsV1 = ownedFieldsV1(changedFieldsV1(tracked(a.live, a.kind), tracked(a.updated, a.kind), shape), a.subresource);
  const out = { ...(a.updated as Obj) };
  const meta: Obj = (out.metadata = isObj(out.metadata) ? { ...out.metadata } : {});
  if (Object.keys(fieldsV1).length === 0) {
    delete meta.managedFields;
    return out;
  }
  const entry: ManagedFieldsEntry = {
    manager: a.manager, operation: 'Update', apiVersion: a.apiVersion, time: rfc3339(a.now), fieldsType: 'FieldsV1', fieldsV1,
    ...(a.subresource ? { subresource: a.subresource } : {}),
  };
  meta.managedFields = [entry];
  return out;
}
