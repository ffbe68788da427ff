// One probe attempt: picks the handler the spec names (exec, httpGet, tcpSocket, grpc) and
// bounds network handlers by timeoutSeconds on the injected clock. Exec probes are bounded by
// the runtime (ExecSync carries the timeout). This is upstream's runProbe plus pkg/probe/*.
import type { Probe } from 'kubernetes-types/core/v1';
import { realClock } from '@k8ts/client';
import type { ProbeContext, ProbeOutcome } from './types.ts';
import { execProbe } from './exec.ts';
import { httpProbe, httpTarget, probeHeaders, targetUrl } from './http.ts';
import { nodeHttpGet, nodeTcpConnect } from './net.ts';
import { joinHostPort, probeTiming, resolveContainerPort } from './spec.ts';

export async function runProbe(probe: Probe, ctx: ProbeContext): Promise<ProbeOutcome> {
  const { timeoutSeconds } = probeTiming(probe);
  const { container } = ctx;
  if (probe.exec) return execProbe(probe.exec, container, ctx.containerId, timeoutSeconds, ctx.runtime);

  if (probe.httpGet) {
    const target = httpTarget(probe.httpGet, container, ctx.podIP);
    if ('error' in target) return { result: 'Unknown', output: '', error: target.error };
    const get = ctx.httpGet ?? nodeHttpGet;
    const timedOut = `Get ${JSON.stringify(targetUrl(target))}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
    return withTimeout(ctx, timeoutSeconds, timedOut, (signal) => httpProbe(target, probeHeaders(probe.httpGet!), get, signal));
  }

  if (probe.tcpSocket) {
    const resolved = resolveContainerPort(probe.tcpSocket.port, container);
    if ('error' in resolved) return { result: 'Unknown', output: '', error: resolved.error };
    const host = probe.tcpSocket.host || ctx.podIP;
    const connect = ctx.tcpConnect ?? nodeTcpConnect;
    const timedOut = `dial tcp ${joinHostPort(host, resolved.port)}: i/o timeout`;
    return withTimeout(ctx, timeoutSeconds, timedOut, async (signal): Promise<ProbeOutcome> => {
      try {
        await connect(host, resolved.port, signal);
        return { result: 'Success', output: '' };
      } catch (err) {
        if (signal.aborted) throw err;
        return { result: 'Failure', output: (err as Error).message };
      }
    });
  }

  if (probe.grpc) return { result: 'Unknown', output: 'grpc probes are not supported', error: 'grpc probes are not supported' };
  const pod = ctx.pod.metadata ?? {};
  return { result: 'Unknown', output: '', error: `missing probe handler for ${pod.name}_${pod.namespace}(${pod.uid}):${container.name}` };
}

/**
 * Runs `attempt` with an abort signal that fires after the timeout on the context's clock; a
 * timed-out attempt is a failure with Go's deadline text, whatever the handler was doing.
 */
async function withTimeout(
  ctx: ProbeContext,
  timeoutSeconds: number,
  timedOut: string,
  attempt: (signal: AbortSignal) => Promise<ProbeOutcome>,
): Promise<ProbeOutcome> {
  const clock = ctx.clock ?? realClock;
  const abort = new AbortController();
  let timer: ReturnType<typeof clock.setTimeout> | undefined;
  const deadline = new Promise<ProbeOutcome>((resolve) => {
    timer = clock.setTimeout(() => {
      abort.abort();
      resolve({ result: 'Failure', output: timedOut });
    }, timeoutSeconds * 1000);
  });
  const work = attempt(abort.signal).catch((err: unknown): ProbeOutcome => {
    if (abort.signal.aborted) return { result: 'Failure', output: timedOut };
    return { result: 'Failure', output: (err as Error).message };
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    abort.abort();
  }
}
