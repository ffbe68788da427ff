import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { podCgroupParent, qosClass, type QOSClass } from './qos.ts';
import { makePod } from './testing.ts';

const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>): Container => ({
  name,
  image: 'busybox',
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

describe('qosClass', () => {
  const cases: { name: string; spec: Partial<PodSpec>; want: QOSClass }[] = [
    { name: 'nothing set', spec: { containers: [c('a')] }, want: 'BestEffort' },
    { name: 'zero requests count as unset', spec: { containers: [c('a', { cpu: '0' })] }, want: 'BestEffort' },
    { name: 'only extended resources', spec: { containers: [c('a', { 'nvidia.com/gpu': '1' })] }, want: 'BestEffort' },
    {
      name: 'limits equal requests for cpu and memory',
      spec: { containers: [c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '100m', memory: '64Mi' })] },
      want: 'Guaranteed',
    },
    {
      name: 'equal amounts written differently',
      spec: { containers: [c('a', { cpu: '0.1', memory: '64Mi' }, { cpu: '100m', memory: '67108864' }), c('b', { cpu: '200m', memory: '1Gi' }, { cpu: '0.2', memory: '1Gi' })] },
      want: 'Guaranteed',
    },
    { name: 'request below limit', spec: { containers: [c('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '64Mi' })] }, want: 'Burstable' },
    { name: 'cpu limit only', spec: { containers: [c('a', undefined, { cpu: '1' })] }, want: 'Burstable' },
    { name: 'request only', spec: { containers: [c('a', { memory: '1Gi' })] }, want: 'Burstable' },
    {
      name: 'one guaranteed, one best-effort container',
      spec: { containers: [c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }), c('b')] },
      want: 'Burstable',
    },
    {
      name: 'init containers count',
      spec: { containers: [c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })], initContainers: [c('i', { cpu: '1' })] },
      want: 'Burstable',
    },
  ];
  it.each(cases)('$name', ({ spec, want }) => {
    expect(qosClass(makePod(spec))).toBe(want);
  });

  it('trusts status.qosClass when set', () => {
    expect(qosClass({ ...makePod({ containers: [c('a')] }), status: { qosClass: 'Burstable' } })).toBe('Burstable');
  });
});

describe('podCgroupParent', () => {
  const guaranteed = { containers: [c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })] };
  const cases: { name: string; spec: Partial<PodSpec>; root: string; want: string }[] = [
    { name: 'Guaranteed sits in kubepods', spec: guaranteed, root: '/', want: '/kubepods/poduid-1' },
    { name: 'Burstable', spec: { containers: [c('a', { cpu: '1' })] }, root: '/', want: '/kubepods/burstable/poduid-1' },
    { name: 'BestEffort', spec: {}, root: '/', want: '/kubepods/besteffort/poduid-1' },
    { name: 'empty root is the host root', spec: {}, root: '', want: '/kubepods/besteffort/poduid-1' },
    { name: 'under a node cgroup root', spec: guaranteed, root: '/k8ts/node-1', want: '/k8ts/node-1/kubepods/poduid-1' },
  ];
  it.each(cases)('$name', ({ spec, root, want }) => {
    expect(podCgroupParent(makePod(spec), root)).toBe(want);
  });
});
