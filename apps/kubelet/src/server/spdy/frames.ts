// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 and the 3.1 amendments): the frames kubectl,
// client-go and containerd's stream server (all on moby/spdystream) exchange. Header blocks are
// zlib streams with the SPDY dictionary, one compression context per direction for the whole
// session. We send header blocks as *stored* deflate blocks (valid zlib, no compression: they are
// tiny) and inflate what we receive with a real zlib context, which must see every block in order.
import { constants, createInflate, type Inflate } from 'node:zlib';

export const SPDY_VERSION = 3;

export const FRAME = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6, STREAM_ALREADY_CLOSED: 9 } as const;

export type Headers = Record<string, string>;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedTo: number; priority: number; flags: number; headers: Headers }
  | { type: 'syn_reply'; streamId: number; flags: number; headers: Headers }
  | { type: 'headers'; streamId: number; flags: number; headers: Headers }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number };

// The SPDY/3 header compression dictionary (spec section 2.6.10.1): length-prefixed words, then a
// run of raw text. Built here from its readable parts; spdy.test.ts checks length and checksum.
const DICTIONARY_WORDS = (
  'options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age allow ' +
  'authorization cache-control connection content-base content-encoding content-language content-length content-location ' +
  'content-md5 content-range content-type date etag expect expires from host if-match if-modified-since if-none-match ' +
  'if-range if-unmodified-since last-modified location max-forwards pragma proxy-authenticate proxy-authorization range ' +
  'referer retry-after server te trailer transfer-encoding upgrade user-agent vary via warning www-authenticate method get ' +
  'status 200_OK version HTTP/1.1 url public set-cookie keep-alive origin'
).split(' ').map((w) => w.replace('_', ' '));
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.map((w) => {
    const b = Buffer.alloc(4 + w.length);
    b.writeUInt32BE(w.length, 0);
    b.write(w, 4, 'latin1');
    return b;
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

/** Encodes a header block (names lowercased; values already joined with NUL for repeats). */
export function encodeHeaderBlock(headers: Headers): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [];
  const n = Buffer.alloc(4);
  n.writeUInt32BE(entries.length, 0);
  parts.push(n);
  for (const [name, value] of entries) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length, 0);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Headers {
  const headers: Headers = {};
  let off = 0;
  const u32 = () => {
    if (off + 4 > block.length) throw new Error('spdy: truncated header block');
    const v = block.readUInt32BE(off);
    off += 4;
    return v;
  };
  const str = () => {
    const len = u32();
    if (off + len > block.length) throw new Error('spdy: truncated header block');
    const s = block.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = str().toLowerCase();
    headers[name] = str();
  }
  return headers;
}

/** One direction's header compressor: a zlib stream of stored blocks, sync-flushed per header block, never finished. */
export class HeaderDeflater {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])); // deflate, 32 KiB window, no preset dictionary
      this.started = true;
    }
    let off = 0;
    do {
      const chunk = block.subarray(off, off + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // BFINAL 0, BTYPE 00 (stored); byte-aligned, as after a sync flush
      head.writeUInt16LE(chunk.length, 1);
      head.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(head, chunk);
      off += 0xffff;
    } while (off < block.length);
    // An empty stored block ends the flush, as Z_SYNC_FLUSH writes it: Go's flate hands out what
    // it decoded only there (without it, it reads on past the frame and fails for good).
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** One direction's header decompressor: every block goes through the same zlib context, in order. */
export class HeaderInflater {
  private readonly z: Inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  private out: Buffer[] = [];
  private failure: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.z.on('data', (d: Buffer) => this.out.push(d));
    this.z.on('error', (e: Error) => (this.failure = e));
  }

  inflate(compressed: Buffer): Promise<Buffer> {
    const run = () => new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.z.write(compressed);
      this.z.flush(constants.Z_SYNC_FLUSH, () => {
        // 'data' events of this flush were emitted before its callback.
        setImmediate(() => {
          if (this.failure) return reject(this.failure);
          const b = Buffer.concat(this.out);
          this.out = [];
          resolve(b);
        });
      });
    });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.close();
  }
}

// ---- encoding ----

function control(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24 | data.length) >>> 0, 4);
  return data.length ? Buffer.concat([head, data]) : head;
}

export function synStreamFrame(deflater: HeaderDeflater, streamId: number, headers: Headers, flags = 0, priority = 0): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE(0, 4);
  fixed[8] = (priority & 0x7) << 5;
  fixed[9] = 0;
  return control(FRAME.SYN_STREAM, flags, Buffer.concat([fixed, deflater.compress(encodeHeaderBlock(headers))]));
}

export function synReplyFrame(deflater: HeaderDeflater, streamId: number, headers: Headers, flags = 0): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff, 0);
  return control(FRAME.SYN_REPLY, flags, Buffer.concat([id, deflater.compress(encodeHeaderBlock(headers))]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return control(FRAME.RST_STREAM, 0, p);
}

export function pingFrame(id: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(id >>> 0, 0);
  return control(FRAME.PING, 0, p);
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return control(FRAME.GOAWAY, 0, p);
}

// ---- decoding ----

/**
 * Splits a byte stream into frames. Header blocks come back still compressed (`block`): the
 * session inflates them in arrival order through its HeaderInflater.
 */
export type RawFrame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Appends bytes and returns every complete frame now available. */
  push(chunk: Buffer): RawFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: RawFrame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const payload = this.buf.subarray(8, 8 + length);
      if (this.buf[0]! & 0x80) {
        const version = this.buf.readUInt16BE(0) & 0x7fff;
        if (version !== SPDY_VERSION) throw new Error(`spdy: unsupported version ${version}`);
        frames.push({ kind: 'control', type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        frames.push({ kind: 'data', streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data: payload });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

/** Decodes a control frame, inflating its header block if it has one. */
export async function decodeControl(raw: Extract<RawFrame, { kind: 'control' }>, inflater: HeaderInflater): Promise<Frame> {
  const p = raw.payload;
  const need = (n: number) => {
    if (p.length < n) throw new Error(`spdy: control frame ${raw.type} too short`);
  };
  switch (raw.type) {
    case FRAME.SYN_STREAM: {
      need(10);
      const headers = decodeHeaderBlock(await inflater.inflate(p.subarray(10)));
      return { type: 'syn_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, associatedTo: p.readUInt32BE(4) & 0x7fffffff, priority: p[8]! >> 5, flags: raw.flags, headers };
    }
    case FRAME.SYN_REPLY:
    case FRAME.HEADERS: {
      need(4);
      const headers = decodeHeaderBlock(await inflater.inflate(p.subarray(4)));
      return { type: raw.type === FRAME.SYN_REPLY ? 'syn_reply' : 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, flags: raw.flags, headers };
    }
    case FRAME.RST_STREAM:
      need(8);
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
    case FRAME.SETTINGS: {
      need(4);
      const n = p.readUInt32BE(0);
      const entries = [];
      for (let i = 0; i < n && 4 + i * 8 + 8 <= p.length; i++) {
        const w = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: w >>> 24, id: w & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags: raw.flags, entries };
    }
    case FRAME.PING:
      need(4);
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FRAME.GOAWAY:
      need(4);
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FRAME.WINDOW_UPDATE:
      need(8);
      return { type: 'window_update', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: raw.type };
  }
}
