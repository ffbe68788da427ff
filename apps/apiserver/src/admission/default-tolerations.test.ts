import { resourceFor } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../storage/watch-cache.ts';
import { admitDefaultTolerations } from './default-tolerations.ts';

const PODS = resourceFor('', 'v1', 'pods')!;
const notReady = (s: number) => ({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });
const unreachable = (s: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: s });

describe('DefaultTolerationSeconds admission', () => {
  it.each([
    { name: 'no tolerations: both defaults', given: undefined, want: [notReady(300), unreachable(300)] },
    { name: 'own not-ready toleration kept, unreachable added', given: [notReady(2)], want: [notReady(2), unreachable(300)] },
    { name: 'both given: untouched', given: [unreachable(2), notReady(5)], want: [unreachable(2), notReady(5)] },
    { name: 'tolerate everything (empty key, Exists)', given: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
    { name: 'empty effect tolerates NoExecute', given: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady(300)] },
    { name: 'NoSchedule does not count', given: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, notReady(300), unreachable(300)] },
  ])('$name', ({ given, want }) => {
    const pod: KObject = { metadata: { name: 'p' }, spec: { containers: [], ...(given ? { tolerations: given } : {}) } };
    admitDefaultTolerations({ notReadySeconds: 300, unreachableSeconds: 300 }, PODS, pod);
    expect((pod.spec as { tolerations: unknown }).tolerations).toEqual(want);
  });

  it('uses the configured seconds and ignores other kinds', () => {
    const pod: KObject = { metadata: { name: 'p' }, spec: {} };
    admitDefaultTolerations({ notReadySeconds: 10, unreachableSeconds: 20 }, PODS, pod);
    expect((pod.spec as { tolerations: unknown }).tolerations).toEqual([notReady(10), unreachable(20)]);
    const svc: KObject = { metadata: { name: 's' }, spec: {} };
    admitDefaultTolerations({ notReadySeconds: 10, unreachableSeconds: 20 }, resourceFor('', 'v1', 'services')!, svc);
    expect(svc.spec).toEqual({});
  });
});
