// Container lifecycle hooks (upstream lifecycle/handlers.go): postStart runs right after the
// container starts, preStop before it is stopped. exec and httpGet run the way probes do (the
// same handlers, bounded by a timeout); sleep just waits. A hook's failure is described with the
// handler's output, for the PostStartHookError waiting message and the log (upstream's events
// only say that the hook failed, so that no secret leaks into them).
import type { Clock } from '@k8ts/client';
import type { RuntimeService } from '@k8ts/cri';
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1';
import { runProbe } from '../prober/run.ts';

export interface HookOutcome {
  ok: boolean;
  message: string;
}

export async function runHook(
  handler: LifecycleHandler, pod: Pod, container: Container, containerId: string, podIP: string,
  timeoutSeconds: number, runtime: Pick<RuntimeService, 'execSync'>, clock: Clock,
): Promise<HookOutcome> {
  if (handler.sleep) {
    await clock.sleep(Math.min(handler.sleep.seconds, timeoutSeconds) * 1000);
    return { ok: true, message: '' };
  }
  if (!handler.exec && !handler.httpGet) {
    return { ok: false, message: 'cannot run handler: none of exec, httpGet or sleep is specified' };
  }
  const probe = { ...(handler.exec ? { exec: handler.exec } : { httpGet: handler.httpGet! }), timeoutSeconds: Math.max(1, timeoutSeconds) };
  const outcome = await runProbe(probe, { pod, container, containerId, podIP, runtime, clock });
  if (outcome.result === 'Success') return { ok: true, message: '' };
  if (handler.exec) {
    return { ok: false, message: `Exec lifecycle hook ([${(handler.exec.command ?? []).join(' ')}]) for Container "${container.name}" in Pod "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})" failed - error: ${outcome.error ?? 'command terminated with non-zero exit code'}, message: ${JSON.stringify(outcome.output)}` };
  }
  return { ok: false, message: `HTTP lifecycle hook (${handler.httpGet?.path ?? ''}) for Container "${container.name}" in Pod "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})" failed - error: ${outcome.error ?? outcome.output}` };
}
