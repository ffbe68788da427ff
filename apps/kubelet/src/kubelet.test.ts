import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { onlyStatusChanged } from './kubelet.ts';

const base: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '10', labels: { app: 'web' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox:1.36' }] },
  status: { phase: 'Pending' },
};

describe('onlyStatusChanged: which pod updates make the kubelet sync', () => {
  it.each<[string, Pod, boolean]>([
    ['a new status and resourceVersion (the kubelet\'s own write)', { ...base, metadata: { ...base.metadata, resourceVersion: '11' }, status: { phase: 'Running' } }, true],
    ['managedFields only', { ...base, metadata: { ...base.metadata, managedFields: [{ manager: 'kubelet' }] } }, true],
    ['deletion started', { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-11-23T00:00:00Z', deletionGracePeriodSeconds: 30 } }, false],
    ['a label changed', { ...base, metadata: { ...base.metadata, labels: { app: 'other' } } }, false],
    ['the spec changed (a new image)', { ...base, spec: { ...base.spec!, containers: [{ name: 'app', image: 'busybox:latest' }] } }, false],
  ])('%s → %s', (_name, next, skip) => {
    expect(onlyStatusChanged(base, next)).toBe(skip);
  });
});
