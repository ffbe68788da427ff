// The three walks server-side apply needs over an object and its shape, following
// structured-merge-diff: the set of fields an object sets, the comparison of two versions, and
// the merge of an applied configuration onto a live object.

import { isDeepStrictEqual } from 'node:util';
import { child, compareElements, fieldElement, keyElement, MEMBER, valueElement, type FieldSet } from './fieldset.ts';
import { fieldShape, itemShape, ssaList, type Shape, type SsaList } from './schema.ts';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value owned as one leaf: scalars, null, atomic structs and atomic (or undeclared) lists. */
const isLeaf = (shape: Shape | undefined, v: unknown) =>
  shape?.atomic === true || (Array.isArray(v) && ssaList(shape) === 'atomic') || !(isObj(v) || Array.isArray(v));

/** The path element of a list item: `k:` by its key fields (defaults filled), `v:` for sets. */
export function itemElement(list: SsaList, item: unknown, index: number): string {
  if (list === 'set') return valueElement(item);
  if (list === 'atomic' || !isObj(item)) return `i:${index}`;
  const key: Obj = {};
  for (const k of list.keys) {
    const v = item[k] ?? list.defaults?.[k];
    if (v !== undefined) key[k] = v;
  }
  return keyElement(key);
}

const items = (list: unknown[], shape: Shape | undefined): Map<string, unknown> => {
  const type = ssaList(shape);
  const out = new Map<string, unknown>();
  list.forEach((item, i) => {
    const e = itemElement(type, item, i);
    if (!out.has(e)) out.set(e, item);
  });
  return out;
};

/** Every field `value` sets: leaves, empty or null fields, and list items (upstream ToFieldSet). */
export function toFieldSet(value: unknown, shape: Shape | undefined, path = '', out: FieldSet = new Set()): FieldSet {
  if (path !== '' && isLeaf(shape, value)) {
    out.add(path);
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = child(path, fieldElement(k));
      toFieldSet(v, fieldShape(shape, k), p, out);
      if (isObj(v) && Object.keys(v).length === 0) out.add(p);
    }
  } else if (Array.isArray(value)) {
    for (const [e, item] of items(value, shape)) {
      const p = child(path, e);
      toFieldSet(item, itemShape(shape), p, out);
      out.add(p);
    }
  }
  return out;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `lhs` to `rhs` (undefined = absent), path by path (upstream Compare). */
export function compare(lhs: unknown, rhs: unknown, shape: Shape | undefined): Comparison {
  const c: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  walkCompare(lhs, rhs, shape, '', c);
  return c;
}

function walkCompare(l: unknown, r: unknown, shape: Shape | undefined, path: string, c: Comparison) {
  if (l === undefined && r === undefined) return;
  const sameKind = l === undefined || r === undefined || (isObj(l) && isObj(r)) || (Array.isArray(l) && Array.isArray(r));
  if (path !== '' && (!sameKind || isLeaf(shape, l ?? r))) {
    if (l === undefined) c.added.add(path);
    else if (r === undefined) c.removed.add(path);
    else if (!isDeepStrictEqual(l, r)) c.modified.add(path);
    return;
  }
  if (isObj(l ?? r)) {
    const lo = (l ?? {}) as Obj;
    const ro = (r ?? {}) as Obj;
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      walkCompare(lo[k], ro[k], fieldShape(shape, k), child(path, fieldElement(k)), c);
    }
  } else {
    const li = items((l ?? []) as unknown[], shape);
    const ri = items((r ?? []) as unknown[], shape);
    for (const e of new Set([...li.keys(), ...ri.keys()])) walkCompare(li.get(e), ri.get(e), itemShape(shape), child(path, e), c);
  }
  if (path === '') return;
  if (l === undefined) c.added.add(path);
  else if (r === undefined) c.removed.add(path);
}

/**
 * The FieldsV1 object of the paths compare(lhs, rhs) reports added or modified, built in one walk
 * with the same rules, without the path strings and set algebra in between. For a write that no
 * manager owned anything of before (a create), that is the writer's whole ownership.
 */
export function changedFieldsV1(lhs: unknown, rhs: unknown, shape: Shape | undefined): Obj {
  return changedNode(lhs, rhs, shape, true) ?? {};
}

function changedNode(l: unknown, r: unknown, shape: Shape | undefined, root: boolean): Obj | undefined {
  if (l === undefined && r === undefined) return undefined;
  const sameKind = l === undefined || r === undefined || (isObj(l) && isObj(r)) || (Array.isArray(l) && Array.isArray(r));
  if (!root && (!sameKind || isLeaf(shape, l ?? r))) {
    const changed = l === undefined ? true : r === undefined ? false : !isDeepStrictEqual(l, r);
    return changed ? {} : undefined;
  }
  const children: [string, Obj][] = [];
  if (isObj(l ?? r)) {
    const lo = (l ?? {}) as Obj;
    const ro = (r ?? {}) as Obj;
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      const c = changedNode(lo[k], ro[k], fieldShape(shape, k), false);
      if (c) children.push([fieldElement(k), c]);
    }
  } else {
    const li = items((l ?? []) as unknown[], shape);
    const ri = items((r ?? []) as unknown[], shape);
    for (const e of new Set([...li.keys(), ...ri.keys()])) {
      const c = changedNode(li.get(e), ri.get(e), itemShape(shape), false);
      if (c) children.push([e, c]);
    }
  }
  const added = !root && l === undefined;
  if (!added && children.length === 0) return undefined;
  const out: Obj = added && children.length > 0 ? { [MEMBER]: {} } : {};
  for (const [e, c] of children.sort(([a], [b]) => compareElements(a, b))) out[e] = c;
  return out;
}

/** The applied configuration merged onto the live object (upstream typed Merge): structs and
 *  maps field by field, keyed lists and sets item by item in the applied order, the rest replaced. */
export function merge(live: unknown, applied: unknown, shape: Shape | undefined): unknown {
  if (applied === undefined) return live;
  if (live === undefined || shape?.atomic) return structuredClone(applied);
  if (isObj(live) && isObj(applied)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = merge(live[k], v, fieldShape(shape, k));
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied) && ssaList(shape) !== 'atomic') return mergeItems(live, applied, shape);
  return structuredClone(applied);
}

/** Live-only items keep their place; applied items come in applied order at the first shared item. */
function mergeItems(live: unknown[], applied: unknown[], shape: Shape | undefined): unknown[] {
  const l = items(live, shape);
  const r = [...items(applied, shape)];
  const out: unknown[] = [];
  const done = new Set<string>();
  let next = 0;
  const emitUntil = (stop?: string) => {
    while (next < r.length) {
      const [e, item] = r[next++]!;
      if (!done.has(e)) {
        done.add(e);
        out.push(merge(l.get(e), item, itemShape(shape)));
      }
      if (e === stop) return;
    }
  };
  const rKeys = new Set(r.map(([e]) => e));
  for (const [e, item] of l) {
    if (!rKeys.has(e)) out.push(item);
    else if (!done.has(e)) emitUntil(e);
  }
  emitUntil();
  return out;
}

/** Fills the non-pointer structs and required lists a Go zero object always carries, so that an
 *  ordinary write does not own `.spec` itself (upstream compares against such a zero object). */
export function zeroFill(value: unknown, shape: Shape | undefined): unknown {
  if (!isObj(value) || !shape?.fields) return value;
  const out: Obj = { ...value };
  for (const [k, s] of Object.entries(shape.fields)) {
    if (s.value && out[k] === undefined) out[k] = s.list ? [] : {};
    if (s.value) out[k] = zeroFill(out[k], s);
  }
  return out;
}
