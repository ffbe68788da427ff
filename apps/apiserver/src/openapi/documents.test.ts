import { RESOURCES } from '@k8ts/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { openapiV2, openapiV3GroupVersion, openapiV3Index } from './documents.ts';
import { operations } from './operations.ts';
import type { JsonSchema, Schemas } from './schemas.ts';
import { generatedSchemas } from './testing.ts';

let s: Schemas;
beforeAll(() => ({ schemas: s } = generatedSchemas()));

type Op = { operationId: string; parameters: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> }; 'x-kubernetes-group-version-kind': object; 'x-kubernetes-action': string };
type V3 = { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, JsonSchema> } };
const v3 = (gv: string) => openapiV3GroupVersion(s, gv) as V3;

describe('OpenAPI v3 index', () => {
  it('names every served group version with a hashed URL', () => {
    const index = openapiV3Index(s);
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/policy/v1', 'apis/scheduling.k8s.io/v1']);
    expect(index.paths['api/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });
  it('hashes are stable and differ between group versions', () => {
    const [a, b] = [openapiV3Index(s), openapiV3Index(generatedSchemas().schemas)];
    expect(b).toEqual(a);
    expect(a.paths['api/v1']!.serverRelativeURL.split('=')[1]).not.toBe(a.paths['apis/apps/v1']!.serverRelativeURL.split('=')[1]);
  });
});

describe('OpenAPI v3 group version documents', () => {
  it('is undefined for a group version not served', () => {
    expect(openapiV3GroupVersion(s, 'apis/apps/v1beta1')).toBeUndefined();
    expect(openapiV3GroupVersion(s, 'apis/nope/v1')).toBeUndefined();
  });

  it('PATCH of a pod advertises fieldValidation and strategic merge patch, with its GVK (what kubectl checks)', () => {
    const patch = v3('api/v1').paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch!;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.operationId).toBe('patchCoreV1NamespacedPod');
    expect(patch.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(Object.keys(patch.requestBody!.content)).toContain('application/strategic-merge-patch+json');
  });

  const paths = [
    { name: 'namespaced list', gv: 'api/v1', path: '/api/v1/namespaces/{namespace}/pods', methods: ['delete', 'get', 'parameters', 'post'] },
    { name: 'list across namespaces', gv: 'api/v1', path: '/api/v1/pods', methods: ['get', 'parameters'] },
    { name: 'cluster-scoped item', gv: 'api/v1', path: '/api/v1/nodes/{name}', methods: ['delete', 'get', 'parameters', 'patch', 'put'] },
    { name: 'namespaces have no deletecollection', gv: 'api/v1', path: '/api/v1/namespaces', methods: ['get', 'parameters', 'post'] },
    { name: 'status', gv: 'api/v1', path: '/api/v1/namespaces/{namespace}/pods/{name}/status', methods: ['get', 'parameters', 'patch', 'put'] },
    { name: 'binding', gv: 'api/v1', path: '/api/v1/namespaces/{namespace}/pods/{name}/binding', methods: ['parameters', 'post'] },
    { name: 'scale', gv: 'apis/apps/v1', path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', methods: ['get', 'parameters', 'patch', 'put'] },
  ];
  it.each(paths)('path: $name', ({ gv, path, methods }) => {
    expect(Object.keys(v3(gv).paths[path] ?? {}).sort()).toEqual(methods);
  });

  it('scale answers with autoscaling/v1 Scale', () => {
    const get = v3('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!.get!;
    expect(get['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(v3('apis/apps/v1').components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
  });

  it('components hold what the document reaches, with v3 refs', () => {
    const doc = v3('apis/apps/v1');
    const schemas = doc.components.schemas;
    expect(schemas['io.k8s.api.core.v1.PodSpec']).toBeDefined();
    expect(schemas['io.k8s.api.core.v1.Service']).toBeUndefined();
    expect(schemas['io.k8s.api.apps.v1.Deployment']!.properties!.spec).toEqual({
      description: expect.any(String),
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }],
    });
    const text = JSON.stringify(doc);
    expect(text).not.toContain('#/definitions/');
    const missing = (text.match(/#\/components\/schemas\/[^"]+/g) ?? []).map((r) => r.slice('#/components/schemas/'.length)).filter((n) => !schemas[n]);
    expect(missing).toEqual([]);
  });

  it('IntOrString and Quantity are oneOf, so explain names them', () => {
    const schemas = v3('api/v1').components.schemas;
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' });
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!.type).toBeUndefined();
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']!.oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
  });

  it('every resource is findable by explain: some operation under its paths carries its kind', () => {
    for (const r of RESOURCES) {
      const gv = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
      const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
      expect(v3(gv).paths[base]?.get?.['x-kubernetes-group-version-kind'], r.plural).toEqual({ group: r.group, version: r.version, kind: r.kind });
    }
  });
});

describe('OpenAPI v2', () => {
  it('is swagger 2.0 with every definition and the operations', () => {
    const doc = openapiV2(s) as { swagger: string; definitions: Record<string, unknown>; paths: Record<string, Record<string, { parameters: { name: string; in: string; type?: string }[] }>> };
    expect(doc.swagger).toBe('2.0');
    expect(Object.keys(doc.definitions)).toEqual(expect.arrayContaining(Object.keys(s.definitions)));
    expect(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']).toBeDefined();
    const params = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!.patch!.parameters;
    expect(params.find((p) => p.in === 'body')).toBeDefined();
    expect(params.find((p) => p.name === 'fieldValidation')).toMatchObject({ in: 'query', type: 'string' });
    expect(openapiV2(s)).toBe(doc);
  });
});

describe('operations', () => {
  it('names operations as upstream does', () => {
    const ids = operations(s, 'apis/coordination.k8s.io/v1').map((o) => o.operationId).sort();
    expect(ids).toEqual([
      'createCoordinationV1NamespacedLease', 'deleteCoordinationV1CollectionNamespacedLease', 'deleteCoordinationV1NamespacedLease',
      'listCoordinationV1LeaseForAllNamespaces', 'listCoordinationV1NamespacedLease', 'patchCoordinationV1NamespacedLease',
      'readCoordinationV1NamespacedLease', 'replaceCoordinationV1NamespacedLease',
    ]);
  });
});
