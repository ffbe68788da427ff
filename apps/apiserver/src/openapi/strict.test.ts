import { beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from './schemas.ts';
import { unknownFields } from './strict.ts';
import { generatedSchemas } from './testing.ts';

let s: Schemas;
beforeAll(() => ({ schemas: s } = generatedSchemas()));

const pod = (spec: object, extra: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } }, spec, ...extra });

describe('unknownFields', () => {
  const cases = [
    { name: 'a valid pod', apiVersion: 'v1', kind: 'Pod', obj: pod({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] }), want: [] },
    { name: 'top-level field', apiVersion: 'v1', kind: 'Pod', obj: pod({ containers: [] }, { foo: 1 }), want: ['unknown field "foo"'] },
    { name: 'field in a list item', apiVersion: 'v1', kind: 'Pod', obj: pod({ containers: [{ name: 'a' }, { name: 'b', imagee: 'x' }] }), want: ['unknown field "spec.containers[1].imagee"'] },
    { name: 'deeply nested', apiVersion: 'v1', kind: 'Pod', obj: pod({ containers: [{ name: 'a', ports: [{ containerPort: 1, hostPortt: 2 }] }] }), want: ['unknown field "spec.containers[0].ports[0].hostPortt"'] },
    { name: 'several, in document order', apiVersion: 'v1', kind: 'Pod', obj: { metadata: { nam: 'x' }, spec: { containers: [], foo: 1 }, bar: 2 }, want: ['unknown field "metadata.nam"', 'unknown field "spec.foo"', 'unknown field "bar"'] },
    { name: 'map keys are data, not fields', apiVersion: 'v1', kind: 'ConfigMap', obj: { metadata: { annotations: { anything: 'x' } }, data: { whatever: 'y' } }, want: [] },
    { name: 'map values of a known type', apiVersion: 'v1', kind: 'Pod', obj: pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', 'example.com/gpu': 2 } } }] }), want: [] },
    { name: 'IntOrString either way', apiVersion: 'v1', kind: 'Service', obj: { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } }, want: [] },
    { name: 'open objects (managedFields.fieldsV1) accept anything', apiVersion: 'v1', kind: 'Pod', obj: { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} } }] } }, want: [] },
    { name: 'groups', apiVersion: 'apps/v1', kind: 'Deployment', obj: { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', imag: 'x' }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } }, want: ['unknown field "spec.template.spec.containers[0].imag"'] },
    { name: 'status is declared', apiVersion: 'v1', kind: 'Pod', obj: { status: { phase: 'Running', podIP: '10.0.0.1' } }, want: [] },
    { name: 'a kind without a schema', apiVersion: 'v1', kind: 'Nope', obj: { foo: 1 }, want: [] },
    { name: 'the wrong group for the kind', apiVersion: 'apps/v1', kind: 'Pod', obj: { foo: 1 }, want: [] },
    { name: 'not an object', apiVersion: 'v1', kind: 'Pod', obj: 'x', want: [] },
    { name: 'values of the wrong type are skipped', apiVersion: 'v1', kind: 'Pod', obj: { spec: 'x', metadata: [1] }, want: [] },
  ];
  it.each(cases)('$name', ({ apiVersion, kind, obj, want }) => {
    expect(unknownFields(s, apiVersion, kind, obj)).toEqual(want);
  });
});
