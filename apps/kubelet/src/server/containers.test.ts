// Which attempt a log request means: upstream's choice from the pod status, the runtime's
// attempts when there is no status to go by.
import type { Container as CriContainer } from '@k8ts/cri';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { logAttempt } from './containers.ts';

const attempt = (id: string): CriContainer => ({
  id, pod_sandbox_id: 's', metadata: { name: 'c', attempt: 0 }, image: null, image_ref: '', state: 'CONTAINER_EXITED', created_at: '0', labels: {}, annotations: {}, image_id: '',
});
const attempts = [attempt('new'), attempt('old')]; // newest first
const pod = (status?: Partial<ContainerStatus>): Pod => ({
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c' }] },
  ...(status ? { status: { containerStatuses: [{ name: 'c', image: '', imageID: '', ready: false, restartCount: 1, ...status }] } } : {}),
});
const cid = (id: string) => `containerd://${id}`;

describe('logAttempt', () => {
  it.each([
    ['no status: the newest', undefined, false, 'new'],
    ['no status, previous: the one before', undefined, true, 'old'],
    ['running', { containerID: cid('new'), state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: cid('old') } } }, false, 'new'],
    ['running, previous = lastState', { containerID: cid('new'), state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: cid('old') } } }, true, 'old'],
    ['CrashLoopBackOff: the last terminated', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, containerID: cid('new') } } }, false, 'new'],
    ['CrashLoopBackOff, previous: the same one', { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, containerID: cid('new') } } }, true, 'new'],
    ['terminated', { state: { terminated: { exitCode: 0, containerID: cid('new') } } }, false, 'new'],
    ['status names an attempt the runtime lost: the runtime\'s newest', { containerID: cid('gone'), state: { running: {} } }, false, 'new'],
  ] as const)('%s', (_name, status, previous, want) => {
    expect(logAttempt(pod(status as Partial<ContainerStatus> | undefined), 'c', previous, attempts).id).toBe(want);
  });

  it.each([
    ['previous without lastState', { containerID: cid('new'), state: { running: {} } }, true, [attempt('new')], 'previous terminated container "c" in pod "p" not found'],
    ['image pull failing', { state: { waiting: { reason: 'ImagePullBackOff' } } }, false, [], 'container "c" in pod "p" is waiting to start: trying and failing to pull image'],
    ['ErrImagePull', { state: { waiting: { reason: 'ErrImagePull' } } }, false, [], 'container "c" in pod "p" is waiting to start: image can\'t be pulled'],
    ['waiting, nothing ran', { state: { waiting: { reason: 'PodInitializing' } } }, false, [], 'container "c" in pod "p" is waiting to start: PodInitializing'],
    ['no status, nothing ran', undefined, false, [], 'container "c" in pod "p" is waiting to start: ContainerCreating'],
    ['no status, previous of one attempt', undefined, true, [attempt('new')], 'previous terminated container "c" in pod "p" not found'],
  ] as const)('refuses: %s', (_name, status, previous, list, message) => {
    expect(() => logAttempt(pod(status as Partial<ContainerStatus> | undefined), 'c', previous, [...list])).toThrow(message);
  });
});
