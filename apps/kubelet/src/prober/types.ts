// Shared shapes of the prober: what one probe attempt returns, the network ports it dials
// through, and the names upstream prints for each probe kind.
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { RuntimeService } from '@k8ts/cri';
import type { Clock } from '@k8ts/client';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** How upstream's probeType prints in events ("Liveness probe failed: …"). */
export const PROBE_KIND_TITLE = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const satisfies Record<ProbeKind, string>;

/** The outcome of one probe attempt (upstream's probe.Result plus its output and error). */
export interface ProbeOutcome {
  result: 'Success' | 'Failure' | 'Unknown';
  /** What the check said: exec stdout+stderr, the HTTP body or failure text, a dial error. */
  output: string;
  /** Success that deserves a `ProbeWarning` event (an HTTP redirect to another host). */
  warning?: boolean;
  /**
   * The attempt could not be made (a port name that does not resolve, a runtime error): the
   * prober retries, then reports "errored" and the worker discards the attempt.
   */
  error?: string;
}

/** One HTTP exchange, no redirects followed; the target is kept in parts so the port is always explicit. */
export interface HttpTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Path plus query, always starting with "/". */
  path: string;
}

export interface HttpGetRequest extends HttpTarget {
  /** Header lines in order; a name may repeat. */
  headers: Array<[string, string]>;
  /** Read no more than this many body bytes. */
  maxBodyBytes: number;
  signal: AbortSignal;
}

export interface HttpGetResponse {
  statusCode: number;
  location?: string;
  body: Buffer;
}

/**
 * Sends one GET; rejects with an Error whose message reads as Go's dial/transport error does
 * (e.g. "dial tcp 127.0.0.1:8080: connect: connection refused"), without the `Get "url":` prefix.
 */
export type HttpGetter = (req: HttpGetRequest) => Promise<HttpGetResponse>;

/** Opens and closes one TCP connection; rejects with a Go-style dial error message. */
export type TcpConnector = (host: string, port: number, signal: AbortSignal) => Promise<void>;

export interface ProbeContext {
  pod: Pod;
  container: Container;
  /** The CRI container id (no "containerd://" prefix). */
  containerId: string;
  podIP: string;
  runtime: Pick<RuntimeService, 'execSync'>;
  httpGet?: HttpGetter;
  tcpConnect?: TcpConnector;
  /** Measures network timeouts; default the real clock. */
  clock?: Clock;
}
