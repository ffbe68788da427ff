// Strategic merge patch applied by the server (upstream's StrategicMergeMapPatch with
// MergeParallelList and IgnoreUnmatchedNulls): maps merge, null deletes, lists follow the kind's
// table in schema.ts, and the directives kubectl sends are honoured. Works on copies only.

import { fieldShape, itemShape, smpList, type Shape } from './schema.ts';

type Obj = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

/** A patch document the merge cannot apply; `code` is what the API answers (400 or 422). */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

const bad = (message: string) => new PatchError(message, 400);
const goString = (v: unknown) => JSON.stringify(v);
const noMergeKey = (m: unknown, key: string) => bad(`map: ${goString(m)} does not contain declared merge key: ${key}`);

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const sort = (v: unknown) => (Array.isArray(v) ? 'list' : isObj(v) ? 'map' : v === null ? 'null' : typeof v);

/** Applies `patch` to `original` for an object of the given shape; neither input is changed. */
export function strategicMerge(original: Obj, patch: Obj, shape: Shape | undefined): Obj {
  return mergeMap(structuredClone(original), structuredClone(patch), shape);
}

function mergeMap(original: Obj, patch: Obj, shape: Shape | undefined): Obj {
  if (PATCH in patch) {
    const directive = patch[PATCH];
    if (directive === 'delete') return {};
    if (directive !== 'replace') throw bad(`unknown patch type: ${goString(directive)} in map: ${goString(patch)}`);
    const { [PATCH]: _, ...rest } = patch;
    return mergeMap({}, rest, shape);
  }
  retainKeys(original, patch);
  const ordered = setElementOrder(original, patch, shape);

  for (const [key, value] of Object.entries(patch)) {
    if (ordered.has(key) || key === RETAIN_KEYS || key.startsWith(`${SET_ORDER}/`)) continue;
    if (key.startsWith(`${DELETE_FROM}/`)) {
      deleteFromPrimitiveList(original, key, value);
      continue;
    }
    const fShape = fieldShape(shape, key);
    const current = original[key];
    if (value === null) delete original[key];
    else if (!(key in original) || sort(current) !== sort(value)) original[key] = fresh(value, fShape);
    else if (isObj(current) && isObj(value)) original[key] = mergeMap(current, value, fShape);
    else if (Array.isArray(current) && Array.isArray(value)) original[key] = mergeList(current, value, fShape);
    else original[key] = value;
  }
  return original;
}

/** A patch value landing where nothing was: its directives are still interpreted, not stored. */
function fresh(value: unknown, shape: Shape | undefined): unknown {
  if (isObj(value)) return mergeMap({}, value, shape);
  if (Array.isArray(value)) return mergeList([], value, shape);
  return value;
}

function retainKeys(original: Obj, patch: Obj) {
  if (!(RETAIN_KEYS in patch)) return;
  const keep = patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw bad('invalid patch format of retainKeys');
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k === RETAIN_KEYS || k.startsWith(`${DELETE_FROM}/`) || k.startsWith(`${SET_ORDER}/`)) continue;
    if (!keep.includes(k)) throw bad('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
}

function deleteFromPrimitiveList(original: Obj, key: string, value: unknown) {
  const field = key.slice(DELETE_FROM.length + 1);
  if (!Array.isArray(value)) throw bad('invalid patch format of primitive list');
  const current = original[field];
  if (Array.isArray(current)) original[field] = current.filter((x) => !value.includes(x));
}

/** Handles every `$setElementOrder/<field>` with its list; returns the fields it consumed. */
function setElementOrder(original: Obj, patch: Obj, shape: Shape | undefined): Set<string> {
  const done = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(`${SET_ORDER}/`)) continue;
    const field = key.slice(SET_ORDER.length + 1);
    if (!Array.isArray(order)) throw bad('invalid patch format of setElementOrder list');
    const fShape = fieldShape(shape, field);
    const strategy = smpList(fShape);
    const mergeKey = typeof strategy === 'object' ? strategy.mergeKey : undefined;
    const live = Array.isArray(original[field]) ? (original[field] as unknown[]) : undefined;
    const given = patch[field];
    if (given !== undefined && !Array.isArray(given)) throw bad('invalid patch format of setElementOrder list');
    if (given) checkOrder(given, order, mergeKey);
    if (!live && !given) continue;
    const merged = live && given ? mergeList(live, given, fShape) : given ? fresh(given, fShape) as unknown[] : live!;
    const keyOf = keyFn(mergeKey);
    const inOrder = new Set(order.map(keyOf));
    const ordered = normalizeOrder(
      merged.filter((x) => inOrder.has(keyOf(x))),
      merged.filter((x) => !inOrder.has(keyOf(x))),
      order,
      live ?? [],
      keyOf,
    );
    original[field] = ordered;
    done.add(field);
  }
  return done;
}

/** The patch list (deletions aside) must follow the relative order of `$setElementOrder`. */
function checkOrder(list: unknown[], order: unknown[], mergeKey: string | undefined) {
  const keyOf = keyFn(mergeKey);
  const items = list.filter((x) => !(isObj(x) && PATCH in x));
  let at = 0;
  for (const item of order) if (at < items.length && keyOf(items[at]) === keyOf(item)) at++;
  if (at < items.length) {
    throw bad(`The order in patch list:\n${goString(list)}\n doesn't match ${SET_ORDER} list:\n${goString(order)}\n`);
  }
}

const keyFn = (mergeKey: string | undefined) => (x: unknown) => (mergeKey !== undefined && isObj(x) ? x[mergeKey] : x);

function mergeList(original: unknown[], patch: unknown[], shape: Shape | undefined): unknown[] {
  const strategy = smpList(shape);
  if (strategy === 'replace') return patch;
  if ([...original, ...patch].some(Array.isArray)) throw new PatchError('lists of lists are not supported', 422);
  if (strategy === 'merge') {
    if ([...original, ...patch].some(isObj)) throw bad('cannot merge lists without merge key for type map');
    const merged = [...new Set([...original, ...patch])];
    const inPatch = new Set(patch);
    return normalizeOrder(merged.filter((x) => inPatch.has(x)), merged.filter((x) => !inPatch.has(x)), patch, original, (x) => x);
  }
  const key = strategy.mergeKey;
  for (const x of [...original, ...patch]) if (!isObj(x)) throw bad(`expected a map, but received a ${sort(x)}`);
  let live = original as Obj[];
  let items: Obj[] = [];
  let replace = false;
  for (const item of patch as Obj[]) {
    if (!(PATCH in item)) items.push(item);
    else if (item[PATCH] === 'delete') {
      if (!(key in item)) throw noMergeKey(item, key);
      live = live.filter((x) => x[key] !== item[key]);
    } else if (item[PATCH] === 'replace') replace = true;
    else if (item[PATCH] === 'merge') throw bad('merging lists cannot yet be specified in the patch');
    else throw bad(`unknown patch type: ${goString(item[PATCH])} in map: ${goString(item)}`);
  }
  if (replace) [live, items] = [items.map((x) => mergeMap({}, x, itemShape(shape))), []];
  const merged = [...live];
  for (const item of items) {
    if (!(key in item)) throw noMergeKey(item, key);
    const at = merged.findIndex((x) => x[key] === item[key]);
    if (at >= 0) merged[at] = mergeMap(merged[at]!, item, itemShape(shape));
    else merged.push(mergeMap({}, item, itemShape(shape)));
  }
  const keyOf = keyFn(key);
  const inPatch = new Set(items.map(keyOf));
  return normalizeOrder(merged.filter((x) => inPatch.has(keyOf(x))), merged.filter((x) => !inPatch.has(keyOf(x))), items, live, keyOf);
}

/** Patch items in patch order, live-only items in live order, interleaved where both orders
 *  are known from the live list; items new to the list come before live-only ones that follow. */
function normalizeOrder(
  fromPatch: unknown[],
  liveOnly: unknown[],
  patchOrder: unknown[],
  liveOrder: unknown[],
  keyOf: (x: unknown) => unknown,
): unknown[] {
  const index = (list: unknown[], x: unknown) => list.findIndex((y) => keyOf(y) === keyOf(x));
  const rank = (list: unknown[], x: unknown) => {
    const i = index(list, x);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const right = [...fromPatch].sort((a, b) => rank(patchOrder, a) - rank(patchOrder, b));
  const left = [...liveOnly].sort((a, b) => rank(liveOrder, a) - rank(liveOrder, b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = index(liveOrder, left[i]);
      const ri = index(liveOrder, right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
