// The statuses FakeRuntime reports, labelled as the kubelet labels its containers, read back
// through computePodStatus over a pod's life: created, running, crashed, restarted.
import { FakeClock } from '@k8ts/client';
import { FakeRuntime } from '@k8ts/cri';
import type { PodStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { computePodStatus } from './compute.ts';
import { makePod } from './fixtures.ts';
import { ANNOTATIONS, LABELS } from './labels.ts';

describe('computePodStatus over FakeRuntime', () => {
  it('follows a container that fails and is restarted', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({
      clock,
      images: ['busybox'],
      behaviour: (config) => (config.metadata?.attempt === 0 ? { exitAfterMs: 2000, exitCode: 3 } : undefined),
    });
    const pod = makePod({ restartPolicy: 'OnFailure', hostNetwork: true });
    const sandboxConfig = {
      metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', attempt: 0 },
      linux: { security_context: { namespace_options: { network: 'NODE' as const } } },
    };
    const sandboxId = await rt.runPodSandbox(sandboxConfig);
    const start = async (attempt: number) => {
      const id = await rt.createContainer(sandboxId, {
        metadata: { name: 'c', attempt },
        image: { image: 'busybox' },
        labels: { [LABELS.podName]: 'p', [LABELS.podNamespace]: 'ns', [LABELS.podUid]: 'uid-1', [LABELS.containerName]: 'c' },
        annotations: { [ANNOTATIONS.restartCount]: String(attempt) },
      }, sandboxConfig);
      await rt.startContainer(id);
      return id;
    };
    let previous: PodStatus | undefined;
    const observe = async () => {
      const sandboxes = [(await rt.podSandboxStatus(sandboxId)).status!];
      const containers = await Promise.all((await rt.listContainers({ pod_sandbox_id: sandboxId })).map(async (c) => (await rt.containerStatus(c.id)).status!));
      previous = computePodStatus({ pod, sandboxes, containers, hostIPs: ['192.168.1.10'], now: clock.now(), ...(previous ? { previous } : {}) });
      return previous;
    };

    const first = await start(0);
    clock.step(1000);
    expect(await observe()).toMatchObject({
      phase: 'Running', podIP: '192.168.1.10',
      conditions: [{ type: 'PodReadyToStartContainers', status: 'True' }, {}, {}, {}, {}],
      containerStatuses: [{ containerID: `containerd://${first}`, ready: true, started: true, restartCount: 0, state: { running: {} } }],
    });

    clock.step(1500);
    expect(await observe()).toMatchObject({
      phase: 'Running',
      containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { exitCode: 3, containerID: `containerd://${first}` } } }],
    });

    const second = await start(1);
    clock.step(1000);
    const status = await observe();
    expect(status).toMatchObject({
      phase: 'Running',
      containerStatuses: [{
        containerID: `containerd://${second}`, ready: true, restartCount: 1, state: { running: {} },
        lastState: { terminated: { exitCode: 3, containerID: `containerd://${first}` } },
      }],
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: clock.now().toISOString().replace(/\.\d+Z$/, 'Z') });
  });
});
