import type { Deployment } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { describe, expect, it } from 'vitest';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads.ts';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'web', creationTimestamp: '2024-05-01T11:50:00Z' };
const template: PodTemplateSpec = { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } };
const selector = { matchLabels: { app: 'web' } };

describe('deploymentPrinter', () => {
  const deploy = (replicas: number | undefined, status: Deployment['status'], sel: LabelSelector = selector): Deployment => ({
    metadata: meta, spec: { replicas, selector: sel, template }, status,
  });
  it.each([
    {
      name: 'two of three ready',
      d: deploy(3, { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }),
      want: ['web', '2/3', 3, 2, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'],
    },
    { name: 'fresh deployment without status', d: deploy(2, undefined), want: ['web', '0/2', 0, 0, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'] },
    { name: 'replicas default to one', d: deploy(undefined, {}), want: ['web', '0/1', 0, 0, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'] },
    { name: 'scaled to zero', d: deploy(0, {}), want: ['web', '0/0', 0, 0, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'] },
    {
      name: 'invalid selector',
      d: deploy(1, {}, { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }),
      want: ['web', '0/1', 0, 0, '10m', 'nginx,side', 'nginx:1.27,busybox', '<invalid>'],
    },
  ])('$name', ({ d, want }) => expect(deploymentPrinter.cells(d, now)).toEqual(want));

  it('has upstream columns', () => {
    expect(deploymentPrinter.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1',
    ]);
  });
});

describe('replicaSetPrinter', () => {
  it.each([
    {
      name: 'steady',
      rs: { metadata: meta, spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } },
      want: ['web', 3, 3, 1, '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'],
    },
    {
      name: 'no template, empty selector',
      rs: { metadata: meta, spec: { selector: {} }, status: { replicas: 0 } },
      want: ['web', 1, 0, 0, '10m', '', '', '<none>'],
    },
  ])('$name', ({ rs, want }) => expect(replicaSetPrinter.cells(rs, now)).toEqual(want));
});

describe('daemonSetPrinter', () => {
  it.each([
    {
      name: 'with node selector',
      ds: {
        metadata: meta,
        spec: { selector, template: { spec: { ...template.spec!, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
      },
      want: ['web', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'],
    },
    {
      name: 'no status yet',
      ds: { metadata: meta, spec: { selector, template } },
      want: ['web', 0, 0, 0, 0, 0, '<none>', '10m', 'nginx,side', 'nginx:1.27,busybox', 'app=web'],
    },
  ])('$name', ({ ds, want }) => expect(daemonSetPrinter.cells(ds, now)).toEqual(want));
});

describe('statefulSetPrinter', () => {
  it.each([
    { name: 'partly ready', ss: { metadata: meta, spec: { replicas: 3, selector, serviceName: 'web', template }, status: { replicas: 3, readyReplicas: 2 } }, want: ['web', '2/3', '10m', 'nginx,side', 'nginx:1.27,busybox'] },
    { name: 'defaults', ss: { metadata: meta, spec: { selector, serviceName: 'web', template } }, want: ['web', '0/1', '10m', 'nginx,side', 'nginx:1.27,busybox'] },
  ])('$name', ({ ss, want }) => expect(statefulSetPrinter.cells(ss, now)).toEqual(want));
});
