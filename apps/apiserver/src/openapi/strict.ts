// Strict field validation (fieldValidation=Strict|Warn): the fields of a request body that its
// kind's schema does not declare, named as upstream's strict decoder names them.
import { kindKey, resolve, type JsonSchema, type Schemas } from './schemas.ts';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Paths of undeclared fields, each as `unknown field "spec.containers[0].foo"`, in document order.
 * Kinds without a schema yield nothing; so do objects whose schema declares no properties
 * (RawExtension, FieldsV1) or preserves unknown fields. Values of the wrong type are not this
 * function's business: only names are checked.
 */
export function unknownFields(s: Schemas, apiVersion: string, kind: string, obj: unknown): string[] {
  const name = s.byKind.get(kindKey(apiVersion, kind));
  const root = name === undefined ? undefined : s.definitions[name];
  if (!root) return [];
  const out: string[] = [];
  walk(s, root, obj, '', out);
  return out;
}

function walk(s: Schemas, schema: JsonSchema, value: unknown, path: string, out: string[]): void {
  const r = resolve(s, schema);
  if (r['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (r.items) value.forEach((item, i) => walk(s, r.items!, item, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(value)) return;
  const field = (key: string) => (path ? `${path}.${key}` : key);
  if (r.properties) {
    for (const [key, v] of Object.entries(value)) {
      const p = r.properties[key];
      if (p) walk(s, p, v, field(key), out);
      else out.push(`unknown field "${field(key)}"`);
    }
  } else if (typeof r.additionalProperties === 'object') {
    for (const [key, v] of Object.entries(value)) walk(s, r.additionalProperties, v, field(key), out);
  }
}
