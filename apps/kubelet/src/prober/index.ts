// Public surface of the prober: single probes, the worker manager and its result caches.
export type { ProbeKind, ProbeOutcome, ProbeContext, HttpGetter, HttpGetRequest, HttpGetResponse, HttpTarget, TcpConnector } from './types.ts';
export { PROBE_KIND_TITLE } from './types.ts';
export { runProbe } from './run.ts';
export { probeContainer, containerFieldPath, MAX_PROBE_RETRIES, type ProbeEventRecorder, type ProbeVerdict } from './prober.ts';
export { probeTiming, resolveContainerPort, expandStatic, type ProbeTiming } from './spec.ts';
export { MAX_EXEC_OUTPUT_BYTES } from './exec.ts';
export { MAX_HTTP_BODY_BYTES, PROBE_USER_AGENT } from './http.ts';
export { nodeHttpGet, nodeTcpConnect } from './net.ts';
export { ResultsManager, type ProbeResult, type ResultUpdate, type ResultListener } from './results.ts';
export { ProbeManager, type ProbeManagerOptions, type ContainerProbeStatus } from './manager.ts';
export type { ContainerProbeState, ContainerRunState } from './worker.ts';
export { probeKill, MINIMUM_GRACE_PERIOD_SECONDS, type ProbeKill } from './kill.ts';
