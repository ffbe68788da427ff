// The real network behind HTTP and TCP probes (node:http, node:https, node:net). Errors are
// reworded the way Go's net package prints them, because that text ends up in the Unhealthy
// event ("dial tcp 10.244.1.5:8080: connect: connection refused"). Probes skip proxies, keep no
// connections alive and accept any TLS certificate, as upstream's probe transport does.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HttpGetter, HttpGetResponse, TcpConnector } from './types.ts';
import { joinHostPort } from './spec.ts';

const SYSCALL_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  ETIMEDOUT: 'i/o timeout',
  ECONNRESET: 'read: connection reset by peer',
};

/** A Node socket error as Go's *net.OpError prints it. */
export function goDialError(err: unknown, host: string, port: number): Error {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new Error(`dial tcp: lookup ${host}: no such host`);
  const text = (e.code && SYSCALL_TEXT[e.code]) ?? e.message;
  return new Error(`dial tcp ${joinHostPort(host, port)}: ${text}`);
}

export const nodeTcpConnect: TcpConnector = (host, port, signal) =>
  new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => reject(goDialError(err, host, port)));
  });

export const nodeHttpGet: HttpGetter = (req) =>
  new Promise<HttpGetResponse>((resolve, reject) => {
    const send = req.scheme === 'https' ? httpsRequest : httpRequest;
    // Repeated names go out as repeated lines; Host, like Go's req.Host, takes the first value.
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of req.headers) {
      const seen = headers[name];
      if (seen === undefined) headers[name] = value;
      else if (name !== 'Host') headers[name] = [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    let connected = false;
    const r = send({
      method: 'GET',
      host: req.host,
      port: req.port,
      path: req.path,
      headers,
      agent: false,
      signal: req.signal,
      rejectUnauthorized: false,
    });
    r.once('socket', (s) => s.once('connect', () => (connected = true)));
    r.once('error', (err: NodeJS.ErrnoException) => {
      if (connected && (err.code === 'ECONNRESET' || err.message === 'socket hang up')) reject(new Error('EOF'));
      else reject(goDialError(err, req.host, req.port));
    });
    r.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const location = res.headers.location;
        resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, req.maxBodyBytes), ...(location ? { location } : {}) });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= req.maxBodyBytes) {
          res.destroy();
          done();
        }
      });
      res.once('end', done);
      res.once('error', (err) => reject(err));
    });
    r.end();
  });
