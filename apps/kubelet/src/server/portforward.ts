// port-forward: the runtime's streaming server (containerd) speaks SPDY `portforward.k8s.io`, where
// each forwarded connection is a pair of streams — error and data — tagged with `port` and
// `requestid`. Clients reach us in one of two ways, both relayed onto one SPDY session to it:
// - `SPDY/3.1+portforward.k8s.io` (kubectl 1.30+): a WebSocket whose binary messages carry a
//   SPDY/3.1 session, the client opening the stream pairs; each is relayed to a twin stream.
// - a plain SPDY upgrade (`portforward.k8s.io`, older clients): relayed the same way (server.ts).
// - `v4.channel.k8s.io` (plain WebSocket, `?port=` per port): port i uses channel 2i for data and
//   2i+1 for errors; each channel's first message is the port, little-endian.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { dialSpdy } from './spdy/dial.ts';
import { joinSessions } from './spdy/relay.ts';
import { SpdySession, type SpdyStream, type SpdyTransport } from './spdy/session.ts';

export const SPDY_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
export const WS_PORTFORWARD = 'v4.channel.k8s.io';
export const PORTFORWARD_PROTOCOLS = [SPDY_TUNNEL, WS_PORTFORWARD];
export const SPDY_PORTFORWARD = 'portforward.k8s.io';

const toBuffer = (raw: Buffer | ArrayBuffer | Buffer[]) => (Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw));

/** Connects to the runtime's streaming server for port-forward. */
export async function dialPortForward(runtimeUrl: string): Promise<SpdySession> {
  return (await dialSpdy(runtimeUrl, [SPDY_PORTFORWARD])).session;
}

/**
 * Serves one port-forward WebSocket until it or the runtime connection ends. Called as soon as
 * the WebSocket is accepted: its listeners must be in place before the client's first message.
 */
export async function servePortForward(ws: WebSocket, protocol: string, runtime: SpdySession, ports: number[], log: Logger): Promise<void> {
  runtime.on('error', (e) => log.warn({ err: e.message }, 'port-forward: streaming server connection failed'));
  try {
    if (protocol === SPDY_TUNNEL) await tunnel(ws, runtime, log);
    else await channels(ws, runtime, ports);
  } finally {
    runtime.close();
  }
}

function tunnel(ws: WebSocket, runtime: SpdySession, log: Logger): Promise<void> {
  const transport: SpdyTransport = {
    write: (bytes, done) => {
      if (ws.readyState !== ws.OPEN) return done?.(new Error('connection closed'));
      ws.send(bytes, { binary: true }, done);
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.close(1000),
  };
  const session = new SpdySession(transport, false);
  session.on('error', (e) => log.debug({ err: e.message }, 'port-forward: client session failed'));
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => session.receive(toBuffer(raw)));
  ws.on('close', () => session.transportClosed());
  ws.on('error', () => session.transportClosed());
  return joinSessions(session, runtime);
}

function channels(ws: WebSocket, runtime: SpdySession, ports: number[]): Promise<void> {
  const portPrefix = (ch: number, port: number) => Buffer.from([ch, port & 0xff, port >> 8]);
  const data: SpdyStream[] = [];
  return new Promise<void>((resolve) => {
    let finished = false;
    const end = () => {
      if (finished) return;
      finished = true;
      if (ws.readyState === ws.OPEN) ws.close(1000);
      resolve();
    };
    ports.forEach((port, i) => {
      const headers = { port: String(port), requestid: String(i) };
      const error = runtime.open({ ...headers, streamtype: 'error' });
      error.end();
      const d = runtime.open({ ...headers, streamtype: 'data' });
      data[i] = d;
      for (const s of [error, d]) s.on('error', () => undefined);
      ws.send(portPrefix(2 * i, port));
      ws.send(portPrefix(2 * i + 1, port));
      d.on('data', (b: Buffer) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i]), b]));
      });
      error.on('data', (b: Buffer) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i + 1]), b]));
      });
      // This protocol cannot say "one connection ended": when one does, the socket closes.
      d.on('end', end);
    });
    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const msg = toBuffer(raw);
      if (msg.length < 1) return;
      const ch = msg[0]!;
      if (ch % 2 !== 0) return;
      const d = data[ch / 2];
      if (d && !d.writableEnded && msg.length > 1) d.write(msg.subarray(1));
    });
    ws.on('close', end);
    ws.on('error', end);
    runtime.on('close', end);
  });
}
