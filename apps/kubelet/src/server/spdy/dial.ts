// Opens a SPDY/3.1 session to a streaming server (containerd's, for exec, attach and port-forward):
// an HTTP request upgraded with `Upgrade: SPDY/3.1` and the sub-protocols we speak in
// `X-Stream-Protocol-Version`; the server names the one it chose in its 101 answer.
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { SpdySession, type SpdyTransport } from './session.ts';

export interface SpdyConnection {
  session: SpdySession;
  /** the sub-protocol the server chose ('' if it named none) */
  protocol: string;
}

export class UpgradeError extends Error {
  constructor(readonly statusCode: number, readonly body: string) {
    super(`unable to upgrade connection: ${body.trim() || `HTTP ${statusCode}`}`);
  }
}

/** A socket as a SPDY transport. */
export function socketTransport(socket: Socket): SpdyTransport {
  return {
    write: (bytes, done) => {
      if (socket.destroyed || !socket.writable) return done?.(new Error('connection closed'));
      socket.write(bytes, done);
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => {
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    },
  };
}

/** Binds a session to a socket: bytes in, close events. */
export function attachSocket(session: SpdySession, socket: Socket, head?: Buffer): void {
  socket.setNoDelay(true);
  if (head?.length) session.receive(head);
  socket.on('data', (d: Buffer) => session.receive(d));
  socket.on('close', () => session.transportClosed());
  socket.on('end', () => session.transportClosed());
  socket.on('error', () => session.transportClosed());
}

export function dialSpdy(url: string, protocols: string[], timeoutMs = 10_000): Promise<SpdyConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols, 'Content-Length': '0' },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`timed out connecting to the streaming server ${new URL(url).host}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body = (body + d).slice(0, 4096)));
      res.on('end', () => reject(new UpgradeError(res.statusCode ?? 0, body)));
      res.on('error', reject);
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      socket.setTimeout(0);
      const session = new SpdySession(socketTransport(socket), true);
      attachSocket(session, socket, head);
      const chosen = res.headers['x-stream-protocol-version'];
      resolve({ session, protocol: (Array.isArray(chosen) ? chosen[0] : chosen) ?? '' });
    });
    req.end();
  });
}
