// Test fixtures shared by the prober's tests: pods, a fake runtime with one running container
// whose ExecSync answers are scripted, and a recorder that keeps events in memory.
import { FakeRuntime, type ContainerBehaviour } from '@k8ts/cri';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1';
import type { ProbeEventRecorder } from './prober.ts';

export function podWith(container: Partial<Container>, extra: { restartPolicy?: string; uid?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: extra.uid ?? 'uid-1' },
    spec: { restartPolicy: extra.restartPolicy ?? 'Always', containers: [{ name: 'app', image: 'busybox', ...container }] },
  };
}

export function execProbeSpec(command: string[], timing: Partial<Probe> = {}): Probe {
  return { exec: { command }, ...timing };
}

export class MemoryRecorder implements ProbeEventRecorder {
  readonly events: Array<{ type: string; reason: string; message: string; fieldPath?: string }> = [];
  event(_pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.events.push({ type, reason, message, ...(fieldPath ? { fieldPath } : {}) });
  }
  messages(): string[] {
    return this.events.map((e) => `${e.reason}: ${e.message}`);
  }
}

/**
 * A fake runtime holding one started container; `another()` starts one more in the same
 * sandbox (a restart, or a second container) and returns its id.
 */
export async function runtimeWithContainer(behaviour: ContainerBehaviour) {
  const runtime = new FakeRuntime({ images: ['busybox'], behaviour: () => behaviour });
  const sandbox = { metadata: { name: 'web', uid: 'uid-1', namespace: 'default' }, log_directory: '/var/log/pods/default_web_uid-1' };
  const sb = await runtime.runPodSandbox(sandbox);
  let attempt = 0;
  const another = async (name = 'app'): Promise<string> => {
    const id = await runtime.createContainer(sb, { metadata: { name, attempt: attempt++ }, image: { image: 'busybox' }, log_path: `${name}/${attempt}.log` }, sandbox);
    await runtime.startContainer(id);
    return id;
  };
  return { runtime, containerId: await another(), another };
}
