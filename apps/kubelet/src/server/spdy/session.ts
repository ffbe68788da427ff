// A SPDY/3.1 session over any byte transport (a TCP socket after an HTTP upgrade, or the binary
// messages of a WebSocket, as kubectl's port-forward tunnels it). Streams are Node Duplexes:
// writes become DATA frames, `end()` sends FIN, a peer's FIN ends the readable side. There is no
// SPDY flow control (spdystream, which every peer we talk to uses, implements none): backpressure
// comes from the transport — a stream whose reader is slow pauses the transport's input.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  FLAG_FIN, FrameReader, HeaderDeflater, HeaderInflater, RST, dataFrame, decodeControl, goAwayFrame,
  pingFrame, rstStreamFrame, synReplyFrame, synStreamFrame, type Frame, type Headers, type RawFrame,
} from './frames.ts';

export interface SpdyTransport {
  /** Writes bytes; `done` is called once they are handed on (used for backpressure). */
  write(bytes: Buffer, done?: (err?: Error | null) => void): void;
  pause(): void;
  resume(): void;
  /** Ends the underlying connection. */
  close(): void;
}

const MAX_DATA = 64 * 1024;

export class SpdyStream extends Duplex {
  /** Headers of the SYN_STREAM that opened the stream (ours or the peer's). */
  readonly headers: Headers;
  replyHeaders: Headers | undefined;
  private remoteClosed = false;
  private localClosed = false;
  /**
   * Writes held back until the peer's SYN_REPLY: spdystream drops DATA on a stream it has not yet
   * replied to, so a stream we open carries nothing before the reply (client-go waits the same way).
   */
  private held: (() => void)[] | undefined;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    headers: Headers,
    local: boolean,
  ) {
    super({ allowHalfOpen: true });
    this.headers = headers;
    if (local) this.held = [];
  }

  /** SYN_REPLY to a stream the peer opened. */
  reply(headers: Headers = {}, fin = false): void {
    this.session.send(synReplyFrame(this.session.deflater, this.id, headers, fin ? FLAG_FIN : 0));
    if (fin) this.markLocalClosed();
  }

  /** RST_STREAM: abandons the stream in both directions. */
  reset(status: number = RST.CANCEL): void {
    if (this.destroyed) return;
    this.session.send(rstStreamFrame(this.id, status));
    this.localClosed = this.remoteClosed = true;
    this.session.forget(this.id);
    this.destroy();
  }

  override _write(chunk: Buffer, enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.held) return void this.held.push(() => this._write(chunk, enc, done));
    if (this.localClosed) return done(); // reset or the session ended: nowhere to send it
    if (chunk.length <= MAX_DATA) return this.session.send(dataFrame(this.id, chunk), done);
    for (let off = 0; off < chunk.length; off += MAX_DATA) {
      const last = off + MAX_DATA >= chunk.length;
      this.session.send(dataFrame(this.id, chunk.subarray(off, off + MAX_DATA)), last ? done : undefined);
    }
  }

  override _final(done: (err?: Error | null) => void): void {
    if (this.held) return void this.held.push(() => this._final(done));
    if (!this.localClosed) this.session.send(dataFrame(this.id, Buffer.alloc(0), true));
    this.markLocalClosed();
    done();
  }

  override _read(): void {
    this.session.unblock(this);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.session.forget(this.id);
    done(err);
  }

  /** @internal data from the peer */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length && !this.push(data)) this.session.block(this);
    if (fin) this.receiveFin();
  }

  /** @internal the peer's SYN_REPLY arrived. */
  receiveReply(headers: Headers): void {
    this.replyHeaders = headers;
    this.release();
    this.emit('reply', headers);
  }

  /** @internal */
  receiveFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    if (this.localClosed) this.session.forget(this.id);
  }

  /** @internal the session is gone: end what remains. */
  terminate(): void {
    this.localClosed = true;
    this.release();
    if (!this.remoteClosed) this.receiveFin();
    // Let a reader see 'end' first (destroying at once would swallow it).
    if (this.readableEnded) this.destroy();
    else this.once('end', () => this.destroy());
  }

  private release(): void {
    const held = this.held;
    this.held = undefined;
    for (const f of held ?? []) f();
  }

  private markLocalClosed(): void {
    this.localClosed = true;
    if (this.remoteClosed) this.session.forget(this.id);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  goaway: [];
  close: [];
  error: [Error];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  /** @internal */
  readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly queue: RawFrame[] = [];
  private readonly blocked = new Set<SpdyStream>();
  private pumping = false;
  /** the transport ended; close once the queue is processed */
  private ending = false;
  private nextId: number;
  private lastPeerStream = 0;
  private closed = false;

  constructor(private readonly transport: SpdyTransport, readonly isClient: boolean) {
    super();
    this.nextId = isClient ? 1 : 2;
  }

  /** Feeds bytes read from the transport. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: RawFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      return this.fail(e as Error);
    }
    this.queue.push(...frames);
    void this.pump();
  }

  /**
   * The transport ended: every stream ends with it — once the frames already received are
   * processed (a peer often writes its last data, FIN and close together).
   */
  transportClosed(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (!this.pumping) this.finalize();
  }

  private finalize(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const s of [...this.streams.values()]) s.terminate();
    this.streams.clear();
    this.inflater.close();
    this.emit('close');
  }

  /** Opens a stream (SYN_STREAM); the peer's SYN_REPLY arrives as the stream's 'reply' event. */
  open(headers: Headers, fin = false): SpdyStream {
    if (this.closed || this.ending) throw new Error('spdy: session closed');
    const id = this.nextId;
    this.nextId += 2;
    const s = new SpdyStream(this, id, headers, true);
    this.streams.set(id, s);
    this.send(synStreamFrame(this.deflater, id, headers, fin ? FLAG_FIN : 0));
    if (fin) s.end();
    return s;
  }

  /** GOAWAY, then the transport is closed; what the peer still sends is dropped. */
  close(): void {
    if (this.closed) return;
    this.send(goAwayFrame(this.lastPeerStream));
    this.transport.close();
    this.finalize();
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** @internal */
  send(bytes: Buffer, done?: (err?: Error | null) => void): void {
    if (this.closed || this.ending) {
      done?.(new Error('spdy: session closed'));
      return;
    }
    this.transport.write(bytes, done);
  }

  /** @internal */
  forget(id: number): void {
    const s = this.streams.get(id);
    if (s) this.blocked.delete(s);
    this.streams.delete(id);
    if (this.blocked.size === 0) this.transport.resume();
  }

  /** @internal a stream's reader is full: stop reading the transport until it drains. */
  block(s: SpdyStream): void {
    if (this.blocked.size === 0) this.transport.pause();
    this.blocked.add(s);
  }

  /** @internal */
  unblock(s: SpdyStream): void {
    if (!this.blocked.delete(s)) return;
    if (this.blocked.size === 0) this.transport.resume();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.emit('error', err);
    this.transport.close();
    this.finalize();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const raw = this.queue.shift()!;
        if (raw.kind === 'data') this.onData(raw.streamId, raw.data, (raw.flags & FLAG_FIN) !== 0);
        else this.onControl(await decodeControl(raw, this.inflater));
      }
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.pumping = false;
    }
    if (this.ending) this.finalize();
  }

  private onData(id: number, data: Buffer, fin: boolean): void {
    const s = this.streams.get(id);
    if (!s) return; // a stream already reset or finished: drop, as spdystream does
    s.receive(data, fin);
  }

  private onControl(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        const ours = this.isClient ? f.streamId % 2 === 1 : f.streamId % 2 === 0;
        if (ours || this.streams.has(f.streamId) || f.streamId <= this.lastPeerStream) {
          this.send(rstStreamFrame(f.streamId, RST.PROTOCOL_ERROR));
          return;
        }
        this.lastPeerStream = f.streamId;
        const s = new SpdyStream(this, f.streamId, f.headers, false);
        this.streams.set(f.streamId, s);
        if (f.flags & FLAG_FIN) s.receiveFin();
        this.emit('stream', s);
        return;
      }
      case 'syn_reply': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.receiveReply(f.headers);
        if (f.flags & FLAG_FIN) s.receiveFin();
        return;
      }
      case 'headers': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.emit('headers', f.headers);
        if (f.flags & FLAG_FIN) s.receiveFin();
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        this.streams.delete(f.streamId);
        s.emit('reset', f.status);
        s.terminate();
        return;
      }
      case 'ping': {
        // Echo the peer's pings (their ids have the peer's parity); ours coming back need nothing.
        const peers = this.isClient ? f.id % 2 === 0 : f.id % 2 === 1;
        if (peers) this.send(pingFrame(f.id));
        return;
      }
      case 'goaway':
        this.emit('goaway');
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE and unknown frames: nothing to do without flow control
    }
  }
}
