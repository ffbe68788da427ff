// Typed decoding of request bodies, as Go's JSON decoder does it before any Kubernetes code runs:
// a value of the wrong JSON type is a 400 naming the field, and `null` means "absent" (a null
// list item becomes its type's zero value). Everything after decoding can trust the shapes.
import { badRequest } from '@k8ts/api';
import { kindKey, resolve, type JsonSchema, type Schemas } from './schemas.ts';

const QUANTITY = '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT32 = 2 ** 31;

type Json = unknown;

const jsonType = (v: Json) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v);

/** The zero value Go gives a null list item of this schema. */
function zero(r: JsonSchema): Json {
  if (r.properties || r.type === 'object') return {};
  if (r.type === 'string') return '';
  if (r.type === 'integer' || r.type === 'number') return 0;
  if (r.type === 'boolean') return false;
  return null;
}

/**
 * Returns the body with nulls dropped and checks every value's type against the kind's schema;
 * throws 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: …` on the first mismatch.
 * Kinds without a schema pass through unchanged.
 */
export function decodeTyped(s: Schemas, apiVersion: string, kind: string, obj: Record<string, unknown>): Record<string, unknown> {
  const name = s.byKind.get(kindKey(apiVersion, kind));
  const root = name === undefined ? undefined : s.definitions[name];
  if (!root) return obj;
  const fail = (path: string, value: Json, want: string) => {
    const version = apiVersion.split('/').at(-1);
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${jsonType(value)} into Go struct field ${path || kind} of type ${want}`);
  };
  return walk(s, root, obj, '', fail) as Record<string, unknown>;
}

function walk(s: Schemas, schema: JsonSchema, value: Json, path: string, fail: (p: string, v: Json, want: string) => never): Json {
  if (schema.$ref === QUANTITY) {
    if (typeof value !== 'string' && typeof value !== 'number') fail(path, value, 'resource.Quantity');
    return value;
  }
  const r = resolve(s, schema);
  if (r['x-kubernetes-preserve-unknown-fields'] || r['x-kubernetes-int-or-string']) {
    if (r['x-kubernetes-int-or-string'] && typeof value !== 'string' && !Number.isInteger(value)) fail(path, value, 'intstr.IntOrString');
    return value;
  }
  const field = (key: string) => (path ? `${path}.${key}` : key);
  if (r.type === 'array' || r.items) {
    if (!Array.isArray(value)) return fail(path, value, 'array');
    const items = r.items ? resolve(s, r.items) : undefined;
    return value.map((item, i) => {
      if (!items) return item;
      return walk(s, r.items!, item === null ? zero(items) : item, `${path}[${i}]`, fail);
    });
  }
  if (r.properties || r.type === 'object' || r.additionalProperties) {
    if (jsonType(value) !== 'object') return fail(path, value, 'object');
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value as Record<string, Json>)) {
      const p = r.properties?.[key] ?? (typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined);
      if (v === null) {
        // A null map value is the value type's zero value; a null field is simply absent.
        if (!r.properties?.[key] && p) out[key] = zero(resolve(s, p));
        continue;
      }
      out[key] = p ? walk(s, p, v, field(key), fail) : v;
    }
    return out;
  }
  switch (r.type) {
    case 'string':
      if (typeof value !== 'string') fail(path, value, 'string');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, value, 'bool');
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, value, r.format ?? 'int64');
      else if (r.format === 'int32' && (value >= INT32 || value < -INT32)) fail(path, value, 'int32');
      break;
    case 'number':
      if (typeof value !== 'number') fail(path, value, 'float64');
      break;
  }
  return value;
}
