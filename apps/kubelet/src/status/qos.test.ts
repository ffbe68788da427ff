import type { Container, ResourceRequirements } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { container, makePod } from './fixtures.ts';
import { computePodQOS, podQOS, type QOSClass } from './qos.ts';

const withResources = (name: string, resources: ResourceRequirements): Container => container(name, { resources });
const both = (cpu: string, memory: string) => ({ cpu, memory });

const cases: { name: string; containers: Container[]; init?: Container[]; want: QOSClass }[] = [
  { name: 'no resources: BestEffort', containers: [container('a')], want: 'BestEffort' },
  { name: 'only ephemeral-storage: BestEffort', containers: [withResources('a', { requests: { 'ephemeral-storage': '1Gi' } })], want: 'BestEffort' },
  { name: 'zero requests: BestEffort', containers: [withResources('a', { requests: both('0', '0') })], want: 'BestEffort' },
  { name: 'requests only: Burstable', containers: [withResources('a', { requests: { cpu: '100m' } })], want: 'Burstable' },
  {
    name: 'limits equal requests for cpu and memory: Guaranteed',
    containers: [withResources('a', { requests: both('500m', '128Mi'), limits: both('0.5', '134217728') })],
    want: 'Guaranteed',
  },
  { name: 'only a cpu limit: Burstable', containers: [withResources('a', { requests: { cpu: '1' }, limits: { cpu: '1' } })], want: 'Burstable' },
  { name: 'limits above requests: Burstable', containers: [withResources('a', { requests: both('100m', '64Mi'), limits: both('200m', '64Mi') })], want: 'Burstable' },
  {
    name: 'limits without requests (not defaulted): Burstable, as upstream computes it',
    containers: [withResources('a', { limits: both('1', '1Gi') })],
    want: 'Burstable',
  },
  {
    name: 'one container without limits spoils Guaranteed',
    containers: [withResources('a', { requests: both('1', '1Gi'), limits: both('1', '1Gi') }), container('b')],
    want: 'Burstable',
  },
  {
    name: 'init containers count too',
    containers: [withResources('a', { requests: both('1', '1Gi'), limits: both('1', '1Gi') })],
    init: [withResources('i', { requests: { cpu: '100m' } })],
    want: 'Burstable',
  },
  {
    name: 'sums are exact: 100m + 200m equals 300m',
    containers: [
      withResources('a', { requests: both('100m', '1Mi'), limits: both('100m', '1Mi') }),
      withResources('b', { requests: both('200m', '1Mi'), limits: both('0.2', '1Mi') }),
    ],
    want: 'Guaranteed',
  },
];

describe('computePodQOS', () => {
  it.each(cases)('$name', ({ containers, init, want }) => {
    expect(computePodQOS(makePod({ containers, ...(init ? { initContainers: init } : {}) }))).toBe(want);
  });
});

describe('podQOS', () => {
  it('keeps the class recorded at creation', () => {
    expect(podQOS(makePod({}, { status: { qosClass: 'Guaranteed' } }))).toBe('Guaranteed');
  });
  it('computes it when none is recorded', () => {
    expect(podQOS(makePod())).toBe('BestEffort');
  });
});
