// Answers and refusals of the kubelet server: every error is a Kubernetes Status (JSON) with its
// HTTP code, whether on a plain response or on a socket whose upgrade we decline.
import { ApiError } from '@k8ts/api';
import { isCriError } from '@k8ts/cri';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 422: 'Unprocessable Entity',
  500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** CRI failures keep the runtime's text; their gRPC code picks the HTTP code, as upstream's streaming.WriteError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isCriError(err)) {
    switch (err.code) {
      case 'NotFound': return new ApiError(404, 'NotFound', err.message);
      case 'InvalidArgument':
      case 'FailedPrecondition':
      case 'OutOfRange': return new ApiError(400, 'BadRequest', err.message);
      case 'Unavailable': return new ApiError(503, 'ServiceUnavailable', err.message);
      case 'DeadlineExceeded': return new ApiError(504, 'Timeout', err.message);
      case 'Unimplemented': return new ApiError(501, 'NotImplemented', err.message);
      default: return new ApiError(500, 'InternalError', err.message);
    }
  }
  return new ApiError(500, 'InternalError', (err as Error)?.message ?? String(err));
}

export function sendStatus(res: ServerResponse, err: unknown): void {
  const e = toApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(e.toStatus());
  res.writeHead(e.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendJson(res: ServerResponse, code: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Declines an upgrade: an HTTP answer with the Status, then the socket is closed. */
export function refuseUpgrade(socket: Duplex, err: unknown): void {
  const e = toApiError(err);
  const body = JSON.stringify(e.toStatus());
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${e.code} ${REASON_PHRASES[e.code] ?? e.reason}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** `true`/`1` (kubectl and the API server send either), anything else false. */
export function boolParam(q: URLSearchParams, ...names: string[]): boolean {
  for (const n of names) {
    const v = q.get(n);
    if (v !== null) return v === '1' || v.toLowerCase() === 'true';
  }
  return false;
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new ApiError(400, 'BadRequest', `${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}
