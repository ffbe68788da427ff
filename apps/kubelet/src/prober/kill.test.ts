import type { Container, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { probeKill } from './kill.ts';

const container: Container = { name: 'app', livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 }, startupProbe: { exec: { command: ['true'] } } };
const pod = (spec: Partial<Pod['spec']>, meta: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web', ...meta },
  spec: { containers: [container], ...spec },
});

describe('probeKill', () => {
  it.each([
    {
      name: 'liveness with its own grace period',
      pod: pod({ terminationGracePeriodSeconds: 30 }),
      kind: 'liveness' as const,
      want: { message: 'Container app failed liveness probe, will be restarted', restart: true, gracePeriodSeconds: 5 },
    },
    {
      name: 'startup without one takes the pod grace period',
      pod: pod({ terminationGracePeriodSeconds: 30 }),
      kind: 'startup' as const,
      want: { message: 'Container app failed startup probe, will be restarted', restart: true, gracePeriodSeconds: 30 },
    },
    {
      name: 'restartPolicy Never: no restart promised',
      pod: pod({ restartPolicy: 'Never', terminationGracePeriodSeconds: 30 }),
      kind: 'liveness' as const,
      want: { message: 'Container app failed liveness probe', restart: false, gracePeriodSeconds: 5 },
    },
    {
      name: 'a pod being deleted uses its deletion grace period',
      pod: pod({ terminationGracePeriodSeconds: 30 }, { deletionGracePeriodSeconds: 12 }),
      kind: 'liveness' as const,
      want: { message: 'Container app failed liveness probe, will be restarted', restart: true, gracePeriodSeconds: 12 },
    },
    {
      name: 'no pod grace period at all: the 2 s minimum',
      pod: pod({}),
      kind: 'liveness' as const,
      want: { message: 'Container app failed liveness probe, will be restarted', restart: true, gracePeriodSeconds: 2 },
    },
  ])('$name', ({ pod, kind, want }) => {
    expect(probeKill(pod, container, kind)).toEqual(want);
  });
});
