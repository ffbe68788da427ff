import { RESOURCES, resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import { printerFor, toTable } from './index.ts';

const now = new Date('2024-05-01T12:00:00Z');
const must = (r: ResourceInfo | undefined): ResourceInfo => {
  if (!r) throw new Error('resource not served');
  return r;
};
const pods = must(resourceFor('', 'v1', 'pods'));
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-05-01T11:59:00Z' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Succeeded' },
};

describe('toTable', () => {
  it.each([
    { name: 'metadata only', include: 'Metadata' as const, want: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata } },
    { name: 'whole object', include: 'Object' as const, want: pod },
    { name: 'no object', include: 'None' as const, want: undefined },
  ])('row object: $name', ({ include, want }) => {
    const t = toTable(pods, [pod], { includeObject: include, now });
    expect(t.rows[0]?.object).toEqual(want);
  });

  it('builds a whole table', () => {
    const t = toTable(pods, [pod], { includeObject: 'None', now });
    expect(t).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {},
      columnDefinitions: printerFor(pods).columns,
      rows: [{
        cells: ['web', '0/1', 'Succeeded', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
        conditions: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
      }],
    });
  });

  it('fills apiVersion and kind of stored objects that lack them', () => {
    const { apiVersion: _a, kind: _k, ...bare } = pod;
    expect(toTable(pods, [bare], { includeObject: 'Object', now }).rows[0]?.object).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    const deployments = must(resourceFor('apps', 'v1', 'deployments'));
    expect(toTable(deployments, [{ metadata: { name: 'd' } }], { includeObject: 'Object', now }).rows[0]?.object).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });

  it('leaves out column definitions when asked (watch events after the first)', () => {
    const t = toTable(pods, [pod], { includeObject: 'Metadata', now, noHeaders: true });
    expect(t.columnDefinitions).toEqual([]);
    expect(t.rows).toHaveLength(1);
  });

  it('keeps the order of the objects', () => {
    const names = ['b', 'a', 'c'];
    const t = toTable(pods, names.map((name) => ({ metadata: { name } })), { includeObject: 'None', now });
    expect(t.rows.map((r) => r.cells[0])).toEqual(names);
  });

  it('prints kinds without a printer as NAME and CREATED AT', () => {
    const other: ResourceInfo = { ...pods, group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', plural: 'clusterroles' };
    const t = toTable(other, [{ metadata: { name: 'admin', creationTimestamp: '2024-04-01T08:09:10.123Z' } }, { metadata: { name: 'x' } }], { includeObject: 'None', now });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([['Name', 'string', 'name'], ['Created At', 'date', '']]);
    expect(t.rows.map((r) => r.cells)).toEqual([['admin', '2024-04-01T08:09:10Z'], ['x', '0001-01-01T00:00:00Z']]);
  });
});

describe('every served resource', () => {
  const sparse = [{ metadata: { name: 'x' } }, { metadata: { name: 'x' }, spec: {}, status: {} }];
  const cases = RESOURCES.flatMap((r) => sparse.map((obj, i) => ({ name: `${r.group || 'core'}/${r.plural} #${i}`, r, obj })));
  it.each(cases)('$name prints a sparse object, one cell per column', ({ r, obj }) => {
    const p = printerFor(r);
    const cells = p.cells(obj, now);
    expect(cells).toHaveLength(p.columns.length);
    expect(cells.filter((c) => c === undefined || c === null)).toEqual([]);
    expect(p.columns.filter((c) => c.format === 'name')).toHaveLength(1);
    expect(cells[p.columns.findIndex((c) => c.format === 'name')]).toBe('x');
  });
});
