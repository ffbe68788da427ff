// Server-side apply (application/apply-patch+yaml), after structured-merge-diff's Updater.Apply:
// merge the configuration onto the live object, drop what this applier stopped applying and
// nobody else owns, refuse to overwrite other managers' values unless forced, record ownership.

import { isDeepStrictEqual } from 'node:util';
import { ApiError, type StatusCause } from '@k8ts/api';
import { difference, intersection, isUnder, pathString, splitPath, union, type FieldSet } from './fieldset.ts';
import { compareTracked, owned, ownerId, readOwners, stripped, writeOwners, type Owner } from './managed-fields.ts';
import { rfc3339 } from '../time.ts';
import { fieldShape, itemShape, shapeOf, ssaList, type Shape } from './schema.ts';
import { isObj, itemElement, merge, toFieldSet } from './walk.ts';

type Obj = Record<string, unknown>;

export function serverSideApply(a: {
  live: object | undefined;
  applied: object;
  manager: string;
  force: boolean;
  kind: string;
  apiVersion: string;
  now: Date;
  subresource?: string;
}): object {
  const shape = shapeOf(a.kind);
  const owners = readOwners(a.live);
  const me = { manager: a.manager, operation: 'Apply' as const, apiVersion: a.apiVersion, ...(a.subresource ? { subresource: a.subresource } : {}) };
  const id = ownerId(me);
  const previous = owners.find((o) => ownerId(o) === id);
  const others = owners.filter((o) => o !== previous);

  // 1. What this configuration sets, and the configuration merged onto the live object.
  const config = withoutManagedFields(a.applied);
  const configSet = owned(toFieldSet(stripped(config), shape), a.subresource);
  let merged = merge(a.live ?? {}, config, shape) as Obj;

  // 2. Fields applied last time, absent now and owned by nobody else, go away.
  if (previous) {
    const stillOwned = union(configSet, ...others.map((o) => o.set));
    const dropped = [...difference(previous.set, stillOwned)].filter((p) => ![...stillOwned].some((q) => q !== p && isUnder(q, p)));
    merged = removePaths(merged, dropped, shape);
  }

  // 3. Other managers' fields whose value changes are conflicts, unless forced.
  const c = compareTracked(a.live, merged, a.kind, a.subresource);
  const changed = union(c.added, c.modified);
  const conflicts = others.map((o) => ({ owner: o, paths: intersection(o.set, changed) })).filter((x) => x.paths.size > 0);
  if (conflicts.length > 0 && !a.force) throw conflictError(conflicts);
  for (const o of others) o.set = difference(difference(o.set, changed), c.removed);

  // 4. The applier owns exactly what it applied.
  const time = previous && isDeepStrictEqual(previous.set, configSet) && changed.size === 0 && c.removed.size === 0 ? previous.time : rfc3339(a.now);
  const next: Owner[] = [...others, { ...me, time, set: configSet }];
  return writeOwners(merged, next);
}

/** Clients may not set managedFields in an apply; upstream rejects it, here it is ignored. */
function withoutManagedFields(applied: object): object {
  const meta = (applied as Obj).metadata;
  if (!isObj(meta) || !('managedFields' in meta)) return applied;
  const { managedFields: _, ...rest } = meta;
  return { ...applied, metadata: rest };
}

/** Removes each path (a field, a keyed item, a set member) from a copy of `obj`; a map left
 *  empty by the removal goes too, as it would not survive decoding into a Go map. */
function removePaths(obj: Obj, paths: string[], shape: Shape): Obj {
  const out = structuredClone(obj);
  for (const path of paths) removeOne(out, splitPath(path), shape);
  return out;
}

function removeOne(node: unknown, elements: string[], shape: Shape | undefined): boolean {
  const [e, ...rest] = elements;
  if (e === undefined) return false;
  if (isObj(node) && e.startsWith('f:')) {
    const name = e.slice(2);
    if (!(name in node)) return false;
    const sub = fieldShape(shape, name);
    if (rest.length === 0) delete node[name];
    else if (removeOne(node[name], rest, sub)) {
      const v = node[name];
      if (isObj(v) && Object.keys(v).length === 0 && !sub?.value && !sub?.fields) delete node[name];
    }
    return true;
  }
  if (Array.isArray(node)) {
    const type = ssaList(shape);
    const at = node.findIndex((item, i) => itemElement(type, item, i) === e);
    if (at < 0) return false;
    if (rest.length === 0) node.splice(at, 1);
    else removeOne(node[at], rest, itemShape(shape));
    return true;
  }
  return false;
}

const describe = (o: Owner) =>
  `"${o.manager}"${o.subresource ? ` with subresource "${o.subresource}"` : ''}${o.operation === 'Update' ? ` using ${o.apiVersion}` : ''}`;

function conflictError(conflicts: { owner: Owner; paths: FieldSet }[]): ApiError {
  const sorted = [...conflicts].sort((x, y) => (describe(x.owner) < describe(y.owner) ? -1 : 1));
  const rows = sorted.flatMap(({ owner, paths }) => [...paths].sort(byPath).map((p) => ({ who: describe(owner), field: pathString(p) })));
  const causes: StatusCause[] = rows.map((r) => ({ reason: 'FieldManagerConflict', message: `conflict with ${r.who}`, field: r.field }));
  const first = rows[0]!;
  const message =
    rows.length === 1
      ? `Apply failed with 1 conflict: conflict with ${first.who}: ${first.field}`
      : `Apply failed with ${rows.length} conflicts: ${sorted
          .flatMap(({ owner, paths }) => [`conflicts with ${describe(owner)}:`, ...[...paths].sort(byPath).map((p) => `- ${pathString(p)}`)])
          .join('\n')}`;
  return new ApiError(409, 'Conflict', message, { causes });
}

const byPath = (a: string, b: string) => {
  const x = splitPath(a);
  const y = splitPath(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
};
