// The definitions the generator wrote (generated/openapi.json), indexed by kind.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A JSON schema as Kubernetes' OpenAPI documents use it; `$ref`s read `#/definitions/<name>`. */
export interface JsonSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  required?: string[];
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Schemas {
  /** Definition name (io.k8s.api.core.v1.Pod) → schema. */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  /** `<apiVersion>/<kind>` (`v1/Pod`, `apps/v1/Deployment`) → definition name. */
  readonly byKind: ReadonlyMap<string, string>;
}

export const DEFINITIONS = '#/definitions/';

export const kindKey = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;
const apiVersionOf = (gvk: GroupVersionKind) => (gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);

/** Indexes a definitions map; every x-kubernetes-group-version-kind entry names its definition. */
export function schemasFrom(definitions: Record<string, JsonSchema>): Schemas {
  const byKind = new Map<string, string>();
  for (const [name, schema] of Object.entries(definitions)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) byKind.set(kindKey(apiVersionOf(gvk), gvk.kind), name);
  }
  return { definitions, byKind };
}

// From src/openapi/ the app folder is two levels up; from the bundle (dist/main.mjs) one.
const CANDIDATES = ['../../generated/openapi.json', '../generated/openapi.json'];

/** Reads generated/openapi.json (next to the app, whether this runs from src or from the bundle)
 *  or the given file. Throws when the file is missing or not a definitions map. */
export function loadSchemas(file?: string): Schemas {
  const path = file ?? CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((p) => existsSync(p));
  if (!path) throw new Error(`generated/openapi.json not found (run \`node scripts/gen-openapi.mjs\`)`);
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: not a map of definitions`);
  return schemasFrom(parsed as Record<string, JsonSchema>);
}

/** The definition a `$ref` names, or the schema itself; a lone `allOf` entry counts as a ref. */
export function resolve(s: Schemas, schema: JsonSchema): JsonSchema {
  let cur = schema;
  for (let depth = 0; depth < 8; depth++) {
    const ref = cur.$ref ?? (cur.allOf?.length === 1 && !cur.properties ? cur.allOf[0]!.$ref : undefined);
    if (!ref?.startsWith(DEFINITIONS)) return cur;
    const next = s.definitions[ref.slice(DEFINITIONS.length)];
    if (!next) return cur;
    cur = next;
  }
  return cur;
}
