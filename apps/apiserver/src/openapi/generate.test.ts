import { beforeAll, describe, expect, it } from 'vitest';
import { resolve, type JsonSchema, type Schemas } from './schemas.ts';
import { generatedSchemas } from './testing.ts';

let s: Schemas;
let text: string;
beforeAll(() => ({ schemas: s, text } = generatedSchemas()));

const def = (name: string) => s.definitions[name]!;
const prop = (name: string, field: string) => def(name).properties![field]!;

describe('gen-openapi', () => {
  it('writes a sorted map of definition name → schema', () => {
    const names = Object.keys(JSON.parse(text) as object);
    expect(names).toEqual([...names].sort());
    expect(names.length).toBeGreaterThan(100);
  });

  const kinds = [
    { name: 'Pod', apiVersion: 'v1', kind: 'Pod', def: 'io.k8s.api.core.v1.Pod', gvk: { group: '', version: 'v1', kind: 'Pod' } },
    { name: 'PodList', apiVersion: 'v1', kind: 'PodList', def: 'io.k8s.api.core.v1.PodList', gvk: { group: '', version: 'v1', kind: 'PodList' } },
    { name: 'Deployment', apiVersion: 'apps/v1', kind: 'Deployment', def: 'io.k8s.api.apps.v1.Deployment', gvk: { group: 'apps', version: 'v1', kind: 'Deployment' } },
    { name: 'Lease', apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', def: 'io.k8s.api.coordination.v1.Lease', gvk: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' } },
    { name: 'Scale (a subresource kind)', apiVersion: 'autoscaling/v1', kind: 'Scale', def: 'io.k8s.api.autoscaling.v1.Scale', gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
    { name: 'Eviction', apiVersion: 'policy/v1', kind: 'Eviction', def: 'io.k8s.api.policy.v1.Eviction', gvk: { group: 'policy', version: 'v1', kind: 'Eviction' } },
    { name: 'Binding', apiVersion: 'v1', kind: 'Binding', def: 'io.k8s.api.core.v1.Binding', gvk: { group: '', version: 'v1', kind: 'Binding' } },
    { name: 'Status', apiVersion: 'v1', kind: 'Status', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', gvk: { group: '', version: 'v1', kind: 'Status' } },
    { name: 'DeleteOptions in a group', apiVersion: 'apps/v1', kind: 'DeleteOptions', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', gvk: { group: 'apps', version: 'v1', kind: 'DeleteOptions' } },
  ];
  it.each(kinds)('$name: indexed by kind, with its group-version-kind', ({ apiVersion, kind, def: name, gvk }) => {
    expect(s.byKind.get(`${apiVersion}/${kind}`)).toBe(name);
    expect(def(name)['x-kubernetes-group-version-kind']).toContainEqual(gvk);
  });

  it('Pod: spec.containers is a list of Container keyed by name, and Container requires name', () => {
    const spec = resolve(s, prop('io.k8s.api.core.v1.Pod', 'spec'));
    const containers = spec.properties!.containers!;
    expect(containers).toMatchObject({
      type: 'array',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(def('io.k8s.api.core.v1.Container').required).toEqual(['name']);
    expect(def('io.k8s.api.core.v1.PodSpec').required).toEqual(['containers']);
    expect(def('io.k8s.api.core.v1.Pod').description).toMatch(/^Pod is a collection of containers/);
    expect(prop('io.k8s.api.core.v1.Pod', 'spec').description).toMatch(/^Specification of the desired behavior of the pod/);
  });

  const fields: { name: string; def: string; field: string; want: JsonSchema }[] = [
    { name: 'IntOrString', def: 'io.k8s.api.core.v1.ServicePort', field: 'targetPort', want: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' } },
    { name: 'map of Quantity', def: 'io.k8s.api.core.v1.ResourceRequirements', field: 'limits', want: { type: 'object', additionalProperties: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } } },
    { name: 'map of string', def: 'io.k8s.api.core.v1.ConfigMap', field: 'data', want: { type: 'object', additionalProperties: { type: 'string' } } },
    { name: 'int32', def: 'io.k8s.api.apps.v1.DeploymentSpec', field: 'replicas', want: { type: 'integer', format: 'int32' } },
    { name: 'int64', def: 'io.k8s.api.core.v1.PodSpec', field: 'terminationGracePeriodSeconds', want: { type: 'integer', format: 'int64' } },
    { name: 'boolean', def: 'io.k8s.api.core.v1.Container', field: 'stdin', want: { type: 'boolean' } },
    { name: 'Time', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'creationTimestamp', want: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' } },
    { name: 'env merges by name', def: 'io.k8s.api.core.v1.Container', field: 'env', want: { 'x-kubernetes-patch-merge-key': 'name' } },
    { name: 'ports merge by containerPort', def: 'io.k8s.api.core.v1.Container', field: 'ports', want: { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] } },
    { name: 'volumes keep retainKeys', def: 'io.k8s.api.core.v1.PodSpec', field: 'volumes', want: { 'x-kubernetes-patch-strategy': 'merge,retainKeys' } },
    { name: 'finalizers are a set', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'finalizers', want: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' } },
    { name: 'deployment strategy retains keys', def: 'io.k8s.api.apps.v1.DeploymentSpec', field: 'strategy', want: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' } },
  ];
  it.each(fields)('$name', ({ def: name, field, want }) => {
    expect(prop(name, field)).toMatchObject(want);
  });

  const scalars: { name: string; def: string; want: JsonSchema }[] = [
    { name: 'IntOrString', def: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', want: { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true } },
    { name: 'Quantity', def: 'io.k8s.apimachinery.pkg.api.resource.Quantity', want: { type: 'string' } },
    { name: 'Time', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', want: { type: 'string', format: 'date-time' } },
    { name: 'MicroTime', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', want: { type: 'string', format: 'date-time' } },
    { name: 'RawExtension is an open object', def: 'io.k8s.apimachinery.pkg.runtime.RawExtension', want: { type: 'object' } },
    { name: 'LabelSelector is atomic', def: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', want: { type: 'object', 'x-kubernetes-map-type': 'atomic' } },
  ];
  it.each(scalars)('definition $name', ({ def: name, want }) => {
    expect(def(name)).toMatchObject(want);
    expect(def(name).description).toBeTruthy();
  });

  it('every $ref points at a definition in the file', () => {
    const refs = JSON.stringify(s.definitions).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
    const missing = refs.map((r) => r.slice('"$ref":"#/definitions/'.length, -1)).filter((n) => !s.definitions[n]);
    expect(missing).toEqual([]);
  });
});
