// GET /openapi/v2 (Swagger 2.0) and GET /openapi/v3[/<group version>] (OpenAPI 3.0), rendered
// from the generated definitions and the served operations. Documents are computed once per
// Schemas value: they are large and never change while the server runs.
import { createHash } from 'node:crypto';
import { operations, servedGVPaths, type Operation, type QueryParam } from './operations.ts';
import { DEFINITIONS, type JsonSchema, type Schemas } from './schemas.ts';

const INFO = { title: 'Kubernetes', version: 'v1.32.0' };
const COMPONENTS = '#/components/schemas/';

/** Definitions every document may point at that no Go type behind kubernetes-types provides. */
const EXTRA: Record<string, JsonSchema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
    description: 'A patch document; its format is named by the Content-Type of the request.',
    type: 'object',
  },
};

/** Types Go marshals as one of several JSON types: v3 says so with oneOf (and no `type`), which is
 *  also what makes `kubectl explain` print `<IntOrString>` and `<Quantity>` for them. */
const V3_ONE_OF: Record<string, JsonSchema[]> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': [{ type: 'integer' }, { type: 'string' }],
  'io.k8s.apimachinery.pkg.api.resource.Quantity': [{ type: 'string' }, { type: 'number' }],
};

function componentOf(name: string, schema: JsonSchema): JsonSchema {
  const v3 = toV3(schema);
  const oneOf = V3_ONE_OF[name];
  if (!oneOf) return v3;
  const { type: _type, ...rest } = v3;
  return { ...rest, oneOf };
}

const definitionOf = (s: Schemas, name: string): JsonSchema | undefined => s.definitions[name] ?? EXTRA[name];

/** Names of the definitions `roots` reach through $refs, roots included, sorted. */
function closure(s: Schemas, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const visit = (schema: JsonSchema | undefined): void => {
    if (!schema) return;
    if (schema.$ref?.startsWith(DEFINITIONS)) add(schema.$ref.slice(DEFINITIONS.length));
    for (const p of Object.values(schema.properties ?? {})) visit(p);
    if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties);
    visit(schema.items);
    schema.allOf?.forEach(visit);
  };
  const add = (name: string) => {
    if (seen.has(name) || !definitionOf(s, name)) return;
    seen.add(name);
    visit(definitionOf(s, name));
  };
  for (const r of roots) add(r);
  return [...seen].sort();
}

const referenced = (ops: Operation[]) =>
  ops.flatMap((o) => [o.response, o.body?.definition]).filter((d): d is string => d !== undefined)
    .concat('io.k8s.apimachinery.pkg.apis.meta.v1.Status');

/** A v2 schema in v3 form: `#/components/schemas/` refs, and a ref with siblings (a
 *  description) wrapped in `allOf`, since OpenAPI 3.0 ignores siblings of `$ref`. */
function toV3(schema: JsonSchema): JsonSchema {
  const { $ref, properties, items, additionalProperties, allOf, ...rest } = schema;
  const out: JsonSchema = { ...rest };
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toV3(v)]));
  if (items) out.items = toV3(items);
  if (additionalProperties !== undefined) out.additionalProperties = typeof additionalProperties === 'object' ? toV3(additionalProperties) : additionalProperties;
  if (allOf) out.allOf = allOf.map(toV3);
  if ($ref) {
    const ref = $ref.replace(DEFINITIONS, COMPONENTS);
    if (Object.keys(out).length === 0) return { $ref: ref };
    out.allOf = [{ $ref: ref }, ...(out.allOf ?? [])];
  }
  return out;
}

const ref = (prefix: string, name: string | undefined) => (name ? { $ref: `${prefix}${name}` } : { type: 'object' });

function pathParams(o: Operation) {
  return o.pathParams.map((name) => ({ name, in: 'path', required: true, description: `${name} of the ${o.gvk.kind}`, uniqueItems: true }));
}

const PRETTY = { name: 'pretty', in: 'query', description: "If 'true', the output is pretty printed.", uniqueItems: true };

/** Groups operations by path; `render` turns one operation into its OpenAPI object. */
function paths(ops: Operation[], render: (o: Operation) => object, param: (p: { name: string; in: string; description: string; uniqueItems: boolean; required?: boolean }, type: string) => object) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const o of ops) {
    const item = (out[o.path] ??= { parameters: [...pathParams(o).map((p) => param(p, 'string')), param(PRETTY, 'string')] });
    item[o.method] = render(o);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const queryParam = (p: QueryParam) => ({ name: p.name, in: 'query', description: p.description, uniqueItems: true });
const extensions = (o: Operation) => ({ 'x-kubernetes-action': o.action, 'x-kubernetes-group-version-kind': o.gvk });

function renderV3(o: Operation) {
  const schema = ref(COMPONENTS, o.response);
  return {
    description: o.description,
    operationId: o.operationId,
    parameters: o.query.map((p) => ({ ...queryParam(p), schema: { type: p.type, uniqueItems: true } })),
    ...(o.body ? { requestBody: { content: Object.fromEntries(o.body.contentTypes.map((t) => [t, { schema: ref(COMPONENTS, o.body!.definition) }])), required: o.method !== 'delete' } } : {}),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema }, 'application/yaml': { schema } } },
      ...(o.method === 'post' ? { 201: { description: 'Created', content: { 'application/json': { schema } } } } : {}),
      401: { description: 'Unauthorized' },
    },
    ...extensions(o),
  };
}

function renderV2(o: Operation) {
  return {
    description: o.description,
    operationId: o.operationId,
    consumes: o.body ? [...o.body.contentTypes] : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    schemes: ['https'],
    parameters: [
      ...(o.body ? [{ name: 'body', in: 'body', required: o.method !== 'delete', schema: ref(DEFINITIONS, o.body.definition) }] : []),
      ...o.query.map((p) => ({ ...queryParam(p), type: p.type })),
    ],
    responses: { 200: { description: 'OK', schema: ref(DEFINITIONS, o.response) }, 401: { description: 'Unauthorized' } },
    ...extensions(o),
  };
}

const cache = new WeakMap<Schemas, { v2?: object; v3: Map<string, { doc: object; hash: string }> }>();
const cached = (s: Schemas) => {
  let c = cache.get(s);
  if (!c) cache.set(s, (c = { v3: new Map() }));
  return c;
};

/** GET /openapi/v2: every definition and every served operation. */
export function openapiV2(s: Schemas): object {
  const c = cached(s);
  c.v2 ??= {
    swagger: '2.0',
    info: INFO,
    paths: paths(operations(s), renderV2, (p, type) => ({ ...p, type })),
    definitions: Object.fromEntries(closure(s, [...Object.keys(s.definitions), ...Object.keys(EXTRA)]).map((n) => [n, definitionOf(s, n)])),
  };
  return c.v2;
}

function v3Entry(s: Schemas, gv: string) {
  const c = cached(s);
  let hit = c.v3.get(gv);
  if (!hit && servedGVPaths().includes(gv)) {
    const ops = operations(s, gv);
    const doc = {
      openapi: '3.0.0',
      info: INFO,
      paths: paths(ops, renderV3, (p, type) => ({ ...p, schema: { type, uniqueItems: true } })),
      components: { schemas: Object.fromEntries(closure(s, referenced(ops)).map((n) => [n, componentOf(n, definitionOf(s, n)!)])) },
    };
    hit = { doc, hash: createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase() };
    c.v3.set(gv, hit);
  }
  return hit;
}

/** GET /openapi/v3/<gv> (`api/v1`, `apis/apps/v1`); undefined for a group version not served. */
export function openapiV3GroupVersion(s: Schemas, gv: string): object | undefined {
  return v3Entry(s, gv.replace(/^\/+|\/+$/g, ''))?.doc;
}

/** GET /openapi/v3: where each group version's document is, with a hash clients cache by. */
export function openapiV3Index(s: Schemas): { paths: Record<string, { serverRelativeURL: string }> } {
  return {
    paths: Object.fromEntries(servedGVPaths().map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${v3Entry(s, gv)!.hash}` }])),
  };
}
