import { describe, expect, it } from 'vitest';
import { ApiError } from '@k8ts/api';
import { serverSideApply } from './server-side-apply.ts';
import { trackUpdate } from './managed-fields.ts';

const now = new Date('2025-01-02T03:04:05.678Z');
const later = new Date('2025-01-02T04:00:00Z');

const deployment = (replicas: number, image = 'nginx:1', labels: Record<string, string> = { app: 'web' }) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
  },
});

const apply = (live: object | undefined, applied: object, manager = 'kubectl', force = false, at = now) =>
  serverSideApply({ live, applied, manager, force, kind: 'Deployment', apiVersion: 'apps/v1', now: at });

const managed = (obj: object) => (obj as { metadata: { managedFields: object[] } }).metadata.managedFields;
const spec = (obj: object) => (obj as { spec: Record<string, unknown> }).spec;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('serverSideApply', () => {
  it('creates and records the applied fields', () => {
    const out = apply(undefined, deployment(2));
    expect(spec(out).replicas).toBe(2);
    expect(managed(out)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2025-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('re-applies a change and keeps what it does not touch', () => {
    const live = { ...apply(undefined, deployment(2)), status: { replicas: 2 } };
    const out = apply(live, deployment(2, 'nginx:2'), 'kubectl', false, later);
    expect(spec(out).template).toMatchObject({ spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } });
    expect((out as { status: object }).status).toEqual({ replicas: 2 });
    expect(managed(out)).toMatchObject([{ manager: 'kubectl', operation: 'Apply', time: '2025-01-02T04:00:00Z' }]);
  });

  it('keeps the time of a no-op apply', () => {
    const live = apply(undefined, deployment(2));
    expect(managed(apply(live, deployment(2), 'kubectl', false, later))).toMatchObject([{ time: '2025-01-02T03:04:05Z' }]);
  });

  it('removes fields it applied before and omits now', () => {
    const live = apply(undefined, deployment(2, 'nginx:1', { app: 'web', tier: 'front' }));
    const out = apply(live, deployment(2, 'nginx:1', { app: 'web' }));
    expect((out as { metadata: { labels: object } }).metadata.labels).toEqual({ app: 'web' });
  });

  it('removes a list item it no longer applies', () => {
    const two = deployment(1);
    two.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const out = apply(apply(undefined, two), deployment(1));
    expect(spec(out).template).toMatchObject({ spec: { containers: [{ name: 'nginx' }] } });
    expect((spec(out).template as { spec: { containers: object[] } }).spec.containers).toHaveLength(1);
  });

  it('keeps an omitted field another manager also owns', () => {
    const first = apply(undefined, deployment(2, 'nginx:1', { app: 'web', tier: 'front' }));
    const shared = apply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'front' } } }, 'other');
    const out = apply(shared, deployment(2, 'nginx:1', { app: 'web' }));
    expect((out as { metadata: { labels: object } }).metadata.labels).toEqual({ app: 'web', tier: 'front' });
  });

  it('refuses to change a field another manager owns', () => {
    const created = trackUpdate({ live: undefined, updated: deployment(1), manager: 'kubectl-client-side-apply', kind: 'Deployment', apiVersion: 'apps/v1', now });
    const err = thrown(() => apply(created, deployment(3)));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });

  it('lists several conflicts by manager', () => {
    const created = trackUpdate({ live: undefined, updated: deployment(1), manager: 'kubectl-client-side-apply', kind: 'Deployment', apiVersion: 'apps/v1', now });
    const err = thrown(() => apply(created, deployment(3, 'nginx:2')));
    expect((err as ApiError).message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect((err as ApiError).details?.causes).toHaveLength(2);
  });

  it('reports an Apply owner without a version', () => {
    const other = apply(undefined, deployment(1), 'helm');
    expect((thrown(() => apply(other, deployment(3))) as ApiError).message).toBe('Apply failed with 1 conflict: conflict with "helm": .spec.replicas');
  });

  it('shares a field applied with the same value', () => {
    const created = trackUpdate({ live: undefined, updated: deployment(1), manager: 'kubectl-client-side-apply', kind: 'Deployment', apiVersion: 'apps/v1', now });
    const out = apply(created, deployment(1));
    expect(managed(out).map((e) => (e as { manager: string }).manager)).toEqual(['kubectl', 'kubectl-client-side-apply']);
  });

  it('takes ownership with force', () => {
    const created = trackUpdate({ live: undefined, updated: deployment(1), manager: 'kubectl-client-side-apply', kind: 'Deployment', apiVersion: 'apps/v1', now });
    const out = apply(created, deployment(3), 'kubectl', true);
    expect(spec(out).replicas).toBe(3);
    const csa = managed(out).find((e) => (e as { manager: string }).manager === 'kubectl-client-side-apply') as { fieldsV1: { 'f:spec': object } };
    expect(csa.fieldsV1['f:spec']).not.toHaveProperty('f:replicas');
    const mine = managed(out).find((e) => (e as { manager: string }).manager === 'kubectl') as { fieldsV1: { 'f:spec': object } };
    expect(mine.fieldsV1['f:spec']).toHaveProperty('f:replicas');
  });

  it('keys container ports by containerPort and defaulted protocol', () => {
    const d = deployment(1);
    (d.spec.template.spec.containers[0] as Record<string, unknown>).ports = [{ containerPort: 80 }];
    const fields = managed(apply(undefined, d))[0] as { fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': Record<string, Record<string, object>> } } } } };
    expect(fields.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']!['f:ports']).toEqual({
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
    });
  });
});
