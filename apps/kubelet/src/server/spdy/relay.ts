// Relays a client's SPDY session to the runtime's: every stream the client opens gets a twin on
// the runtime side with the same headers, and the two are joined in both directions (data,
// half-close, reset). The runtime's streaming server then sees exactly what the client sent —
// the remotecommand streams of exec/attach, or the error/data pairs of port-forward.
import { RST } from './frames.ts';
import type { SpdySession } from './session.ts';

export function relayStreams(client: SpdySession, runtime: SpdySession): void {
  client.on('stream', (s) => {
    let twin;
    try {
      twin = runtime.open({ ...s.headers });
    } catch {
      s.reset(RST.REFUSED_STREAM); // the runtime's connection is gone
      return;
    }
    s.reply({}); // the twin holds what the client writes until the runtime replies
    const swallow = () => undefined;
    s.on('error', swallow);
    twin.on('error', swallow);
    s.pipe(twin);
    twin.pipe(s);
    s.on('reset', () => twin.reset(RST.CANCEL));
    twin.on('reset', () => s.reset(RST.CANCEL));
  });
}

/** Joins two sessions for their lifetime: when either ends, so does the other. */
export function joinSessions(client: SpdySession, runtime: SpdySession): Promise<void> {
  relayStreams(client, runtime);
  return new Promise<void>((resolve) => {
    const end = () => {
      client.close();
      runtime.close();
      resolve();
    };
    client.once('close', end);
    runtime.once('close', end);
  });
}
