// exec and attach: the client speaks the WebSocket channel protocol (v5.channel.k8s.io or
// v4.channel.k8s.io: one channel byte, then data), and we relay to the runtime's streaming server
// over SPDY/3.1 with the v4.channel.k8s.io remotecommand streams (error, stdin, stdout, stderr,
// resize). containerd 1.6 offers WebSocket only up to v4, which cannot close stdin; SPDY can (a
// FIN on the stdin stream), so v5's close frame (255, 0) becomes that FIN and `kubectl exec -i`
// sees its command end when its input does. The runtime's final Status (Success, or Failure with
// reason NonZeroExitCode and an ExitCode cause) goes to the client on channel 3 as it was written.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { SpdySession, SpdyStream } from './spdy/session.ts';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
/** What we accept from clients, best first. */
export const REMOTECOMMAND_PROTOCOLS = [V5, V4];
/** The SPDY remotecommand versions the runtime's streaming server (containerd 1.6) speaks. */
export const RUNTIME_REMOTECOMMAND_PROTOCOLS = [V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const framed = (channel: number, data: Buffer) => Buffer.concat([Buffer.from([channel]), data]);

/** Output waiting to reach a slow client beyond this pauses the runtime's streams. */
const HIGH_WATER = 1 << 20;

/**
 * Opens the remotecommand streams on `session` (client side, in client-go's order) and relays
 * between them and `ws` until the command ends or either side goes away. Resolves when done.
 */
export function bridgeRemoteCommand(ws: WebSocket, protocol: string, session: SpdySession, opts: StreamOptions, log: Logger): Promise<void> {
  const open = (type: string) => session.open({ streamtype: type });
  const error = open('error'); // only the runtime writes on it; left open, as client-go does
  const stdin = opts.stdin ? open('stdin') : undefined;
  const stdout = opts.stdout ? open('stdout') : undefined;
  const stderr = opts.stderr && !opts.tty ? open('stderr') : undefined;
  const resize = opts.tty ? open('resize') : undefined;

  return new Promise<void>((resolve) => {
    let finished = false;
    const status: Buffer[] = [];
    const pending = new Set<SpdyStream>([error, ...(stdout ? [stdout] : []), ...(stderr ? [stderr] : [])]);

    const finish = (why: string) => {
      if (finished) return;
      finished = true;
      log.debug({ why }, 'remotecommand ended');
      if (ws.readyState === ws.OPEN) {
        if (status.length) ws.send(framed(CHANNEL.error, Buffer.concat(status)));
        ws.close(1000);
      }
      session.close();
      resolve();
    };
    const done = (s: SpdyStream) => {
      pending.delete(s);
      if (pending.size === 0) finish('streams ended');
    };

    // Backpressure to the client: bytes sent but not yet written out; above HIGH_WATER the
    // output streams pause (and with them, the runtime connection) until the client catches up.
    let inFlight = 0;
    const paused = new Set<SpdyStream>();
    const relay = (s: SpdyStream | undefined, channel: number) => {
      if (!s) return;
      s.on('data', (d: Buffer) => {
        if (ws.readyState !== ws.OPEN) return;
        inFlight += d.length;
        ws.send(framed(channel, d), () => {
          inFlight -= d.length;
          if (inFlight < HIGH_WATER / 2) for (const p of paused) p.resume();
          if (inFlight < HIGH_WATER / 2) paused.clear();
        });
        if (inFlight > HIGH_WATER && !paused.has(s)) {
          paused.add(s);
          s.pause();
        }
      });
      s.on('end', () => done(s));
      s.on('close', () => done(s));
      s.on('error', () => done(s));
    };
    relay(stdout, CHANNEL.stdout);
    relay(stderr, CHANNEL.stderr);
    error.on('data', (d: Buffer) => status.push(d));
    error.on('end', () => done(error));
    error.on('close', () => done(error));
    error.on('error', () => done(error));
    for (const s of [stdin, resize]) s?.on('error', () => undefined);

    // The runtime's connection closing ends every stream, but their buffered data still has to
    // reach the client: finish when the streams have ended, not here.
    session.on('close', () => log.debug('runtime connection closed'));
    session.on('error', (e) => log.warn({ err: e.message }, 'streaming server connection failed'));

    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const msg = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      if (msg.length === 0) return;
      const data = msg.subarray(1);
      switch (msg[0]) {
        case CHANNEL.stdin:
          // Backpressure to the client: stop reading it while the runtime has not taken stdin.
          if (stdin && !stdin.writableEnded && data.length && !stdin.write(data)) {
            ws.pause();
            stdin.once('drain', () => ws.resume());
          }
          return;
        case CHANNEL.resize:
          if (resize && !resize.writableEnded && data.length) resize.write(data);
          return;
        case CHANNEL.close:
          if (protocol === V5 && data[0] === CHANNEL.stdin && stdin && !stdin.writableEnded) stdin.end();
          return;
        default:
          return;
      }
    });
    ws.on('close', () => finish('client went away'));
    ws.on('error', () => finish('client connection failed'));
  });
}
