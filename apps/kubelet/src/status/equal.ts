// Structural equality of JSON-like values where a property that is undefined or null equals a
// missing one (the API drops both on the wire).

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined && o[k] !== null);

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return (a ?? undefined) === (b ?? undefined);
  const ka = present(a);
  const kb = present(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
}
