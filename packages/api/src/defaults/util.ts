// Helpers for defaulting untyped JSON objects the way Go's zero values behave: a string field is
// unset when empty, a pointer when nil, a plain int32 when 0, and struct fields always exist.

export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Go string field: '' counts as unset. */
export function defaultString(o: Obj, key: string, value: string): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** A Go pointer field: only nil counts as unset. */
export function defaultPointer(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** A Go non-pointer number: 0 counts as unset. */
export function defaultNumber(o: Obj, key: string, value: number): void {
  if (o[key] === undefined || o[key] === null || o[key] === 0) o[key] = value;
}

/** A Go struct (non-pointer) field, which always serialises — `securityContext: {}`. */
export function struct(o: Obj, key: string): Obj {
  if (!isObj(o[key])) o[key] = {};
  return o[key] as Obj;
}

/** The object under `key`, when there is one. */
export const child = (o: Obj | undefined, key: string): Obj | undefined => (o && isObj(o[key]) ? (o[key] as Obj) : undefined);

/** The objects of the list under `key`; other entries are left for validation to report. */
export const items = (o: Obj | undefined, key: string): Obj[] => (o && Array.isArray(o[key]) ? (o[key] as unknown[]).filter(isObj) : []);

/** Runs `fn` on the object at `path` under `o`, if every step exists. */
export function at(o: Obj | undefined, path: string[], fn: (x: Obj) => void): void {
  let cur = o;
  for (const k of path) cur = child(cur, k);
  if (cur) fn(cur);
}
