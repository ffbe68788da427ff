import { describe, expect, it } from 'vitest';
import { toFieldsV1, union } from './fieldset.ts';
import { compareTracked, owned, trackUpdate } from './managed-fields.ts';

const now = new Date('2025-01-02T03:04:05Z');
const later = new Date('2025-01-02T04:00:00Z');
const deployment = (image: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas, template: { spec: { containers: [{ name: 'nginx', image, resources: {} }] } } },
});
const track = (live: object | undefined, updated: object, manager: string, at = now, subresource?: string) =>
  trackUpdate({ live, updated, manager, kind: 'Deployment', apiVersion: 'apps/v1', now: at, ...(subresource ? { subresource } : {}) });
const entries = (o: object) => (o as { metadata: { managedFields: { manager: string; fieldsV1: Record<string, unknown>; subresource?: string }[] } }).metadata.managedFields;

describe('trackUpdate', () => {
  it('records a create as upstream encodes it', () => {
    expect(entries(track(undefined, deployment('nginx:1'), 'kubectl-create'))).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2025-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } } },
          },
        },
      },
    ]);
  });

  const cases: { name: string; change: (d: ReturnType<typeof deployment>) => object; subresource?: string; want: Record<string, string[]> }[] = [
    {
      name: 'a changed field moves to the writer',
      change: () => deployment('nginx:2'),
      want: { 'kubectl-create': ['f:replicas'], 'kubectl-edit': [] },
    },
    {
      name: 'a removed field leaves every manager',
      change: (d) => ({ ...d, spec: { template: d.spec.template } }),
      want: { 'kubectl-create': [], 'kubectl-edit': [] },
    },
    {
      name: 'status writes own status only, under the subresource',
      change: (d) => ({ ...d, status: { replicas: 1 } }),
      subresource: 'status',
      want: { 'kubectl-create': ['f:replicas'], 'kubectl-edit': [] },
    },
  ];
  it.each(cases)('$name', ({ change, subresource, want }) => {
    const created = track(undefined, deployment('nginx:1'), 'kubectl-create');
    const out = track(created, change(created as ReturnType<typeof deployment>), 'kubectl-edit', later, subresource);
    const byManager = Object.fromEntries(entries(out).map((e) => [e.manager, e]));
    expect(Object.keys((byManager['kubectl-create']?.fieldsV1['f:spec'] ?? {}) as object).filter((k) => k === 'f:replicas')).toEqual(want['kubectl-create']);
    expect(byManager['kubectl-create']?.fieldsV1).toBeDefined();
    if (subresource) expect(byManager['kubectl-edit']).toMatchObject({ subresource, fieldsV1: { 'f:status': { 'f:replicas': {} } } });
  });

  it('gives the image to the editor and drops an empty manager', () => {
    const created = track(undefined, deployment('nginx:1'), 'a');
    const edited = track(created, deployment('nginx:2'), 'b', later);
    expect(entries(edited).find((e) => e.manager === 'b')?.fieldsV1).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } },
    });
    const retaken = track(edited, deployment('nginx:3'), 'a', later);
    expect(entries(retaken).map((e) => e.manager)).toEqual(['a']);
  });

  it('ignores status on the main resource', () => {
    const out = track(undefined, { ...deployment('nginx:1'), status: { replicas: 1 } }, 'kubectl-create');
    expect(entries(out)[0]?.fieldsV1).not.toHaveProperty('f:status');
  });

  // A first owner's entry is built straight from the object; it must be what comparing against the
  // zero object and encoding the set of changed paths gives (the general path of every other write).
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'd', labels: { a: '1' }, annotations: {}, finalizers: ['x/y', 'x/z'], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u' }] },
    spec: {
      containers: [
        { name: 'c', image: 'i', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], env: [{ name: 'E', value: 'v' }], resources: { limits: { cpu: '1' } }, securityContext: {} },
        { name: 'd', image: 'i', args: ['a', 'b'], volumeMounts: [{ name: 'v', mountPath: '/m' }] },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
      tolerations: [{ key: 'k', operator: 'Exists' }],
      nodeSelector: {},
    },
    status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
  };
  it.each([
    { name: 'a pod (main resource)', kind: 'Pod', live: undefined, obj: pod, subresource: undefined },
    { name: 'a pod through status', kind: 'Pod', live: undefined, obj: pod, subresource: 'status' },
    { name: 'a pod that had no managers', kind: 'Pod', live: { ...pod, spec: { ...pod.spec, nodeSelector: { z: '1' } } }, obj: pod, subresource: undefined },
    { name: 'a deployment', kind: 'Deployment', live: undefined, obj: deployment('nginx:1', 3), subresource: undefined },
    { name: 'a service', kind: 'Service', live: undefined, obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }], selector: { a: 'b' } } }, subresource: undefined },
    { name: 'an object with nothing to own', kind: 'ConfigMap', live: undefined, obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, subresource: undefined },
  ])('gives a first owner what the general comparison would: $name', ({ kind, live, obj, subresource }) => {
    const c = compareTracked(live, obj, kind, subresource);
    const set = owned(union(c.added, c.modified), subresource);
    const out = trackUpdate({ live, updated: obj, manager: 'm', kind, apiVersion: 'v1', now, ...(subresource ? { subresource } : {}) }) as { metadata: { managedFields?: { fieldsV1: object }[] } };
    if (set.size === 0) expect(out.metadata.managedFields).toBeUndefined();
    else expect(JSON.stringify(out.metadata.managedFields![0]!.fieldsV1)).toBe(JSON.stringify(toFieldsV1(set)));
  });
});
