// The REST operations of each served resource, in a form both OpenAPI renderings (v2 and v3)
// share. kubectl reads two things from them: the x-kubernetes-group-version-kind of an
// operation under a resource's path (explain finds a resource's kind that way), and the query
// parameters and request body types of its PATCH (fieldValidation support and strategic merge
// patch support are decided from those).
import { RESOURCES, groupVersion, type ResourceInfo, type SubresourceInfo, type Verb } from '@k8ts/api';
import { kindKey, type GroupVersionKind, type Schemas } from './schemas.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type ParamType = 'string' | 'boolean' | 'integer';

export interface QueryParam {
  name: string;
  type: ParamType;
  description: string;
}

export interface Operation {
  path: string;
  method: Method;
  operationId: string;
  description: string;
  action: string;
  gvk: GroupVersionKind;
  query: readonly QueryParam[];
  /** Path parameters, in path order. */
  pathParams: readonly ('namespace' | 'name')[];
  body?: { contentTypes: readonly string[]; definition: string | undefined };
  /** Definition of the 200 answer; undefined when the kind has no schema. */
  response: string | undefined;
}

const q = (name: string, type: ParamType, description: string): QueryParam => ({ name, type, description });

const DRY_RUN = q('dryRun', 'string', 'When present, the request is validated and admitted but nothing is persisted. The only valid value is "All".');
const FIELD_MANAGER = q('fieldManager', 'string', 'The name of the actor making the change, recorded in managedFields.');
const FIELD_VALIDATION = q('fieldValidation', 'string',
  'What the server does with fields the schema does not declare and with duplicate fields: "Ignore" drops them, "Warn" drops them and answers with a Warning header per field, "Strict" fails the request with 400 Bad Request naming them.');
const FORCE = q('force', 'boolean', 'Server-side apply only: take ownership of fields that other managers own instead of answering 409 Conflict.');
const GRACE = q('gracePeriodSeconds', 'integer', 'Seconds the object is given to terminate before it is deleted; 0 deletes at once.');
const PROPAGATION = q('propagationPolicy', 'string', 'How dependents are garbage collected: "Orphan", "Background" or "Foreground".');
const LIST: readonly QueryParam[] = [
  q('allowWatchBookmarks', 'boolean', 'Watch only: the server may send BOOKMARK events carrying the latest resourceVersion.'),
  q('continue', 'string', 'The continue token of the previous page of a paged list.'),
  q('fieldSelector', 'string', 'Only objects whose fields match, e.g. metadata.name=x or spec.nodeName=n1.'),
  q('labelSelector', 'string', 'Only objects whose labels match the selector.'),
  q('limit', 'integer', 'The largest number of items in one answer; the list metadata carries a continue token when more remain.'),
  q('resourceVersion', 'string', 'The version to list from or to watch after.'),
  q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: "Exact" or "NotOlderThan".'),
  q('sendInitialEvents', 'boolean', 'Watch only: begin with synthetic ADDED events for the current state.'),
  q('timeoutSeconds', 'integer', 'How long a list or watch call may run.'),
  q('watch', 'boolean', 'Stream ADDED, MODIFIED and DELETED events instead of answering a list.'),
];

export const PATCH_TYPES = [
  'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
] as const;
const WRITE_TYPES = ['application/json', 'application/yaml'] as const;

interface VerbShape {
  method: Method;
  prefix: string;
  action: string;
  onItem: boolean;
  query: readonly QueryParam[];
  what: string;
}

const VERBS: Partial<Record<Verb, VerbShape>> = {
  list: { method: 'get', prefix: 'list', action: 'list', onItem: false, query: LIST, what: 'list or watch objects of kind' },
  create: { method: 'post', prefix: 'create', action: 'post', onItem: false, query: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], what: 'create' },
  deletecollection: { method: 'delete', prefix: 'deleteCollection', action: 'deletecollection', onItem: false, query: [...LIST, DRY_RUN, GRACE, PROPAGATION], what: 'delete a collection of' },
  get: { method: 'get', prefix: 'read', action: 'get', onItem: true, query: [], what: 'read the specified' },
  update: { method: 'put', prefix: 'replace', action: 'put', onItem: true, query: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], what: 'replace the specified' },
  patch: { method: 'patch', prefix: 'patch', action: 'patch', onItem: true, query: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE], what: 'partially update the specified' },
  delete: { method: 'delete', prefix: 'delete', action: 'delete', onItem: true, query: [DRY_RUN, GRACE, PROPAGATION], what: 'delete' },
};

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** 'coordination.k8s.io' → 'Coordination', '' → 'Core', 'rbac.authorization.k8s.io' → 'RbacAuthorization'. */
const groupWord = (group: string) => (group ? group.replace(/\.k8s\.io$/, '').split('.').map(pascal).join('') : 'Core');

/** `api/v1` or `apis/<group>/<version>`: the OpenAPI v3 path of a group version. */
export const gvPath = (r: Pick<ResourceInfo, 'group' | 'version'>) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);

function resourceOperations(s: Schemas, r: ResourceInfo): Operation[] {
  const gv = groupVersion(r);
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const def = s.byKind.get(kindKey(gv, r.kind));
  const listDef = s.byKind.get(kindKey(gv, r.listKind));
  const base = `/${gvPath(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const idOf = (prefix: string, suffix = '') => `${prefix === 'deleteCollection' ? 'delete' : prefix}${groupWord(r.group)}${pascal(r.version)}${prefix === 'deleteCollection' ? 'Collection' : ''}${scope}${r.kind}${suffix}`;
  const params = (onItem: boolean): Operation['pathParams'] => [...(r.namespaced ? ['namespace' as const] : []), ...(onItem ? ['name' as const] : [])];
  const ops: Operation[] = [];
  for (const verb of r.verbs) {
    const v = VERBS[verb];
    if (!v) continue;
    const writes = verb === 'create' || verb === 'update';
    ops.push({
      path: v.onItem ? `${base}/{name}` : base,
      method: v.method,
      operationId: idOf(v.prefix),
      description: `${v.what} ${r.kind}`,
      action: v.action,
      gvk,
      query: v.query,
      pathParams: params(v.onItem),
      ...(writes ? { body: { contentTypes: WRITE_TYPES, definition: def } } : {}),
      ...(verb === 'patch' ? { body: { contentTypes: PATCH_TYPES, definition: `${META}.Patch` } } : {}),
      ...(verb === 'delete' || verb === 'deletecollection' ? { body: { contentTypes: WRITE_TYPES, definition: `${META}.DeleteOptions` } } : {}),
      response: verb === 'list' ? listDef : verb === 'deletecollection' ? `${META}.Status` : def,
    });
  }
  if (r.namespaced && r.verbs.includes('list')) {
    ops.push({
      path: `/${gvPath(r)}/${r.plural}`, method: 'get', operationId: `list${groupWord(r.group)}${pascal(r.version)}${r.kind}ForAllNamespaces`,
      description: `list or watch objects of kind ${r.kind} in every namespace`, action: 'list', gvk, query: LIST, pathParams: [], response: listDef,
    });
  }
  for (const sub of r.subresources) ops.push(...subresourceOperations(s, r, sub, base, params(true), idOf));
  return ops;
}

function subresourceOperations(
  s: Schemas, r: ResourceInfo, sub: SubresourceInfo, base: string, pathParams: Operation['pathParams'], idOf: (prefix: string, suffix: string) => string,
): Operation[] {
  const gvk = { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
  const def = s.byKind.get(kindKey(groupVersion(gvk), sub.kind));
  // Streams and connect options (log, exec, attach, portforward) carry no schema.
  if (!def) return [];
  const ops: Operation[] = [];
  for (const verb of sub.verbs) {
    const v = VERBS[verb];
    if (!v) continue;
    const method = verb === 'create' ? 'post' : v.method;
    const body = verb === 'patch' ? { contentTypes: PATCH_TYPES, definition: `${META}.Patch` }
      : verb === 'create' || verb === 'update' ? { contentTypes: WRITE_TYPES, definition: def } : undefined;
    ops.push({
      path: `${base}/{name}/${sub.name}`, method, operationId: idOf(v.prefix, pascal(sub.name)),
      description: `${v.what} ${sub.name} of the specified ${r.kind}`, action: v.action, gvk, query: v.query, pathParams,
      ...(body ? { body } : {}), response: def,
    });
  }
  return ops;
}

/** Every operation of every served resource; `gv` (`api/v1`, `apis/apps/v1`) narrows to one group version. */
export function operations(s: Schemas, gv?: string, resources: readonly ResourceInfo[] = RESOURCES): Operation[] {
  return resources.filter((r) => gv === undefined || gvPath(r) === gv).flatMap((r) => resourceOperations(s, r));
}

/** The group versions served, as OpenAPI v3 paths. */
export const servedGVPaths = (resources: readonly ResourceInfo[] = RESOURCES) => [...new Set(resources.map(gvPath))];
