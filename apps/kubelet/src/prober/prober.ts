// The prober: one probe of one kind against one container, retried while the attempt errors,
// turned into the result the workers count and into the kubelet's events (reason Unhealthy or
// ProbeWarning, messages as upstream's prober.probe prints them).
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.ts';
import { PROBE_KIND_TITLE } from './types.ts';
import { runProbe } from './run.ts';

/** How many times one probe is tried while it errors (upstream maxProbeRetries). */
export const MAX_PROBE_RETRIES = 3;

/**
 * The event port. `fieldPath` names the container ("spec.containers{name}") as upstream's
 * container reference does; @k8ts/client's EventRecorder fits (it ignores the fifth argument).
 */
export interface ProbeEventRecorder {
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
}

export interface ProbeVerdict {
  result: 'Success' | 'Failure';
  /** The probe could not be run: workers discard this verdict rather than count it. */
  errored: boolean;
}

/** Where a container sits in the pod spec, for an event's fieldPath. */
export function containerFieldPath(pod: Pod, name: string): string {
  const init = pod.spec?.initContainers?.some((c) => c.name === name);
  return init ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

const UPSTREAM_RESULT = { Success: 'success', Failure: 'failure', Unknown: 'unknown' } as const;

export async function probeContainer(
  kind: ProbeKind,
  ctx: ProbeContext,
  recorder?: ProbeEventRecorder,
): Promise<ProbeVerdict> {
  const spec = probeSpec(kind, ctx.container);
  if (!spec) return { result: 'Success', errored: false };
  let outcome: ProbeOutcome = { result: 'Unknown', output: '' };
  for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
    outcome = await runProbe(spec, ctx);
    if (outcome.error === undefined) break;
  }
  const title = PROBE_KIND_TITLE[kind];
  const say = (reason: string, message: string) =>
    recorder?.event(ctx.pod, 'Warning', reason, message, containerFieldPath(ctx.pod, ctx.container.name));
  if (outcome.error !== undefined) {
    say('Unhealthy', `${title} probe errored and resulted in ${UPSTREAM_RESULT[outcome.result]} state: ${outcome.error}`);
    return { result: 'Failure', errored: true };
  }
  switch (outcome.result) {
    case 'Success':
      if (outcome.warning) say('ProbeWarning', `${title} probe warning: ${outcome.output}`);
      return { result: 'Success', errored: false };
    case 'Failure':
      say('Unhealthy', `${title} probe failed: ${outcome.output}`);
      return { result: 'Failure', errored: false };
    case 'Unknown':
      return { result: 'Failure', errored: false };
  }
}

export function probeSpec(kind: ProbeKind, container: Container) {
  switch (kind) {
    case 'liveness':
      return container.livenessProbe;
    case 'readiness':
      return container.readinessProbe;
    case 'startup':
      return container.startupProbe;
  }
}
