import { describe, expect, it } from 'vitest';
import { applyDefaults } from './index.ts';

describe('small kinds', () => {
  const cases: { name: string; kind: string; obj: Record<string, unknown>; want: Record<string, unknown> }[] = [
    { name: 'secret type', kind: 'Secret', obj: { metadata: { name: 's' } }, want: { metadata: { name: 's' }, type: 'Opaque' } },
    { name: 'secret type kept', kind: 'Secret', obj: { type: 'kubernetes.io/tls' }, want: { type: 'kubernetes.io/tls' } },
    {
      name: 'namespace',
      kind: 'Namespace',
      obj: { metadata: { name: 'dev' } },
      want: { metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    },
    {
      name: 'namespace keeps other finalizers and labels',
      kind: 'Namespace',
      obj: { metadata: { name: 'dev', labels: { team: 'x' } }, spec: { finalizers: ['example.com/f'] } },
      want: {
        metadata: { name: 'dev', labels: { team: 'x', 'kubernetes.io/metadata.name': 'dev' } },
        spec: { finalizers: ['example.com/f', 'kubernetes'] },
        status: { phase: 'Active' },
      },
    },
    {
      name: 'namespace without a name yet',
      kind: 'Namespace',
      obj: { metadata: { generateName: 'ns-' } },
      want: { metadata: { generateName: 'ns-' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    },
    {
      name: 'node allocatable from capacity',
      kind: 'Node',
      obj: { metadata: { name: 'n' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } },
      want: { metadata: { name: 'n' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } },
    },
    { name: 'node without status untouched', kind: 'Node', obj: { metadata: { name: 'n' } }, want: { metadata: { name: 'n' } } },
    { name: 'priority class', kind: 'PriorityClass', obj: { value: 10 }, want: { value: 10, preemptionPolicy: 'PreemptLowerPriority' } },
    { name: 'priority class never', kind: 'PriorityClass', obj: { value: 10, preemptionPolicy: 'Never' }, want: { value: 10, preemptionPolicy: 'Never' } },
    {
      name: 'persistent volume claim',
      kind: 'PersistentVolumeClaim',
      obj: { spec: { resources: { requests: { storage: '1000Mi' } } } },
      want: { spec: { resources: { requests: { storage: '1000Mi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
    },
    { name: 'configmap has none', kind: 'ConfigMap', obj: { data: { a: 'b' } }, want: { data: { a: 'b' } } },
    { name: 'service account has none', kind: 'ServiceAccount', obj: { metadata: { name: 'x' } }, want: { metadata: { name: 'x' } } },
    { name: 'pdb has none', kind: 'PodDisruptionBudget', obj: { spec: { minAvailable: 1 } }, want: { spec: { minAvailable: 1 } } },
    { name: 'unknown kind', kind: 'Widget', obj: { spec: {} }, want: { spec: {} } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      applyDefaults(c.kind, c.obj);
      expect(c.obj).toEqual(c.want);
    });
  }

  it('ignores non-objects', () => {
    expect(() => applyDefaults('Pod', null)).not.toThrow();
    expect(() => applyDefaults('Pod', 'x')).not.toThrow();
  });
});
