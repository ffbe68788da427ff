import type { PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { linuxResources, milliCPUToQuota, milliCPUToShares, overheadResources, podResourceList, sandboxResources } from './resources.ts';
import { makePod } from './testing.ts';

describe('milliCPUToShares (upstream TestMilliCPUToShares numbers)', () => {
  const cases = [
    { name: 'zero is the kernel minimum', milli: 0, want: 2 },
    { name: '1m rounds below the minimum', milli: 1, want: 2 },
    { name: '2m', milli: 2, want: 2 },
    { name: '100m', milli: 100, want: 102 },
    { name: '250m', milli: 250, want: 256 },
    { name: 'one core', milli: 1000, want: 1024 },
    { name: '1.5 cores', milli: 1500, want: 1536 },
    { name: 'capped', milli: 300000, want: 262144 },
  ];
  it.each(cases)('$name', ({ milli, want }) => expect(milliCPUToShares(milli)).toBe(want));
});

describe('milliCPUToQuota (upstream TestMilliCPUToQuota numbers)', () => {
  const cases = [
    { name: 'no limit', milli: 0, period: 100000, want: 0 },
    { name: '5m is raised to 1ms', milli: 5, period: 100000, want: 1000 },
    { name: '9m', milli: 9, period: 100000, want: 1000 },
    { name: '10m', milli: 10, period: 100000, want: 1000 },
    { name: '200m', milli: 200, period: 100000, want: 20000 },
    { name: '500m', milli: 500, period: 100000, want: 50000 },
    { name: 'one core', milli: 1000, period: 100000, want: 100000 },
    { name: '1.5 cores', milli: 1500, period: 100000, want: 150000 },
    { name: '1.5 cores, 50ms period', milli: 1500, period: 50000, want: 75000 },
  ];
  it.each(cases)('$name', ({ milli, period, want }) => expect(milliCPUToQuota(milli, period)).toBe(want));
});

describe('linuxResources', () => {
  type List = Record<string, string> | undefined;
  const cases: { name: string; requests: List; limits: List; want: Record<string, string> }[] = [
    {
      name: 'requests and limits',
      requests: { cpu: '250m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '128Mi' },
      want: { cpu_shares: '256', cpu_quota: '50000', cpu_period: '100000', memory_limit_in_bytes: '134217728' },
    },
    {
      name: 'only a cpu limit: shares follow the limit',
      requests: undefined,
      limits: { cpu: '2' },
      want: { cpu_shares: '2048', cpu_quota: '200000', cpu_period: '100000', memory_limit_in_bytes: '0' },
    },
    {
      name: 'explicit zero request keeps minimum shares',
      requests: { cpu: '0' },
      limits: { cpu: '1' },
      want: { cpu_shares: '2', cpu_quota: '100000', cpu_period: '100000', memory_limit_in_bytes: '0' },
    },
    {
      name: 'nothing set',
      requests: undefined,
      limits: undefined,
      want: { cpu_shares: '2', cpu_quota: '0', cpu_period: '100000', memory_limit_in_bytes: '0' },
    },
    {
      name: 'decimal memory and fractional cores',
      requests: { cpu: '0.1' },
      limits: { cpu: '1.5', memory: '1G' },
      want: { cpu_shares: '102', cpu_quota: '150000', cpu_period: '100000', memory_limit_in_bytes: '1000000000' },
    },
  ];
  it.each(cases)('$name', ({ requests, limits, want }) => {
    const r = linuxResources(requests, limits);
    expect(r).toMatchObject(want);
    expect(r.oom_score_adj).toBe('0');
  });

  it('without CFS quota leaves quota and period unset', () => {
    expect(linuxResources({}, { cpu: '1' }, { cfsQuota: false })).toMatchObject({ cpu_quota: '0', cpu_period: '0' });
  });
  it('uses a configured period', () => {
    expect(linuxResources({}, { cpu: '1' }, { period: 50000 })).toMatchObject({ cpu_quota: '50000', cpu_period: '50000' });
  });
});

describe('pod totals', () => {
  const spec: Partial<PodSpec> = {
    containers: [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } } },
      { name: 'b', resources: { requests: { cpu: '300m' } } },
    ],
    initContainers: [{ name: 'i', resources: { requests: { cpu: '1', memory: '32Mi' }, limits: { memory: '1Gi' } } }],
    overhead: { cpu: '250m', memory: '120Mi' },
  };

  it('sums containers and takes the largest init container per resource', () => {
    const pod = makePod(spec);
    expect(podResourceList(pod, 'requests')).toEqual({ cpu: 1000, memory: 67108864 });
    expect(podResourceList(pod, 'limits')).toEqual({ cpu: 200, memory: 1073741824 });
    expect(sandboxResources(pod)).toMatchObject({ cpu_shares: '1024', cpu_quota: '20000', memory_limit_in_bytes: '1073741824' });
  });

  it('treats overhead as guaranteed', () => {
    expect(overheadResources(makePod(spec))).toMatchObject({ cpu_shares: '256', cpu_quota: '25000', memory_limit_in_bytes: '125829120' });
    expect(overheadResources(makePod({}))).toBeUndefined();
  });
});
