// SPDY/3.1 framing and sessions: header compression both ways, frame splitting, and two sessions
// talking to each other in memory (streams, replies, FIN, reset, ping, held writes).
import { adler32 } from './testing-adler.ts';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FRAME, FrameReader, HeaderDeflater, HeaderInflater, SPDY_DICTIONARY, dataFrame, decodeControl, decodeHeaderBlock,
  encodeHeaderBlock, pingFrame, synStreamFrame,
} from './frames.ts';
import { SpdySession, type SpdyStream, type SpdyTransport } from './session.ts';

describe('SPDY header blocks', () => {
  it('builds the SPDY/3 dictionary (1423 bytes, the DICTID peers expect)', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(adler32(SPDY_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  });

  it('encodes and decodes name/value blocks, lowercasing names', () => {
    const block = encodeHeaderBlock({ StreamType: 'error', port: '8080' });
    expect(block.readUInt32BE(0)).toBe(2);
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: 'error', port: '8080' });
    expect(() => decodeHeaderBlock(block.subarray(0, 9))).toThrow(/truncated/);
  });

  it('writes one zlib stream of sync-flushed stored blocks that any inflater reads in order', () => {
    const d = new HeaderDeflater();
    const blocks = [encodeHeaderBlock({ streamtype: 'error' }), encodeHeaderBlock({ streamtype: 'stdout', x: 'y'.repeat(70_000) })];
    const parts = blocks.map((b) => d.compress(b));
    expect(parts[0]!.subarray(0, 2)).toEqual(Buffer.from([0x78, 0x01]));
    for (const p of parts) expect(p.subarray(-5)).toEqual(Buffer.from([0, 0, 0, 0xff, 0xff]));
    const all = inflateSync(Buffer.concat(parts), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(all).toEqual(Buffer.concat(blocks));
  });

  it('inflates blocks compressed with the dictionary by a real zlib, block after block', async () => {
    const z = createDeflate({ dictionary: SPDY_DICTIONARY });
    const out: Buffer[] = [];
    z.on('data', (b: Buffer) => out.push(b));
    const compress = (b: Buffer) => new Promise<Buffer>((resolve) => {
      z.write(b);
      z.flush(constants.Z_SYNC_FLUSH, () => setImmediate(() => resolve(Buffer.concat(out.splice(0)))));
    });
    const inflater = new HeaderInflater();
    for (const h of [{ streamtype: 'error', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '0' }, { streamtype: 'data', port: '80', requestid: '1' }]) {
      expect(decodeHeaderBlock(await inflater.inflate(await compress(encodeHeaderBlock(h))))).toEqual(h);
    }
    inflater.close();
    z.close();
  });
});

describe('SPDY frames', () => {
  it('splits a byte stream into frames wherever the chunks break', async () => {
    const d = new HeaderDeflater();
    const bytes = Buffer.concat([synStreamFrame(d, 1, { streamtype: 'stdin' }), dataFrame(1, Buffer.from('hello')), dataFrame(1, Buffer.alloc(0), true), pingFrame(7)]);
    const reader = new FrameReader();
    const raws = [];
    for (let i = 0; i < bytes.length; i += 3) raws.push(...reader.push(bytes.subarray(i, i + 3)));
    expect(raws.map((r) => r.kind)).toEqual(['control', 'data', 'data', 'control']);
    const inflater = new HeaderInflater();
    const syn = await decodeControl(raws[0] as Extract<typeof raws[0], { kind: 'control' }>, inflater);
    expect(syn).toMatchObject({ type: 'syn_stream', streamId: 1, headers: { streamtype: 'stdin' } });
    expect(raws[1]).toMatchObject({ streamId: 1, flags: 0, data: Buffer.from('hello') });
    expect(raws[2]).toMatchObject({ streamId: 1, flags: 1 });
    expect(await decodeControl(raws[3] as Extract<typeof raws[0], { kind: 'control' }>, inflater)).toEqual({ type: 'ping', id: 7 });
    expect((raws[3] as { type: number }).type).toBe(FRAME.PING);
    inflater.close();
  });

  it('refuses another SPDY version', () => {
    const frame = pingFrame(1);
    frame.writeUInt16BE(0x8002, 0);
    expect(() => new FrameReader().push(frame)).toThrow(/version 2/);
  });
});

/** Two sessions joined in memory; every write is delivered on a later tick, as on a socket. */
function pair() {
  const wires: { client?: SpdySession; server?: SpdySession } = {};
  const transport = (to: () => SpdySession | undefined, frames: Buffer[]): SpdyTransport => ({
    write: (b, done) => {
      frames.push(b);
      setImmediate(() => {
        to()?.receive(b);
        done?.();
      });
    },
    pause: () => undefined,
    resume: () => undefined,
    close: () => setImmediate(() => {
      wires.client?.transportClosed();
      wires.server?.transportClosed();
    }),
  });
  const sent = { client: [] as Buffer[], server: [] as Buffer[] };
  wires.client = new SpdySession(transport(() => wires.server, sent.client), true);
  wires.server = new SpdySession(transport(() => wires.client, sent.server), false);
  return { client: wires.client, server: wires.server, sent };
}

const nextStream = (s: SpdySession) => new Promise<SpdyStream>((r) => s.once('stream', r));
const readAll = (s: SpdyStream) => new Promise<string>((resolve) => {
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  s.on('end', () => resolve(text));
});

describe('SPDY sessions', () => {
  it('opens streams, holds writes until the reply, carries data both ways and half-closes', async () => {
    const { client, server, sent } = pair();
    const incoming = nextStream(server);
    const s = client.open({ streamtype: 'stdin' });
    s.write('early'); // held: spdystream drops DATA on a stream it has not replied to
    s.end();
    const peer = await incoming;
    expect(peer.headers).toEqual({ streamtype: 'stdin' });
    expect(sent.client).toHaveLength(1); // only the SYN_STREAM so far
    const got = readAll(peer);
    peer.reply({});
    expect(await got).toBe('early');
    const back = readAll(s);
    peer.end('answer');
    expect(await back).toBe('answer');
    expect(s.id % 2).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(client.streamCount).toBe(0);
    expect(server.streamCount).toBe(0);
  });

  it('resets a stream on both sides and ends every stream when the transport closes', async () => {
    const { client, server } = pair();
    const incoming = nextStream(server);
    const a = client.open({ n: 'a' });
    const peerA = await incoming;
    peerA.reply();
    const reset = new Promise<number>((r) => a.once('reset', r));
    peerA.reset(5);
    expect(await reset).toBe(5);
    const incomingB = nextStream(server);
    const b = client.open({ n: 'b' });
    const peerB = await incomingB;
    const ended = Promise.all([new Promise((r) => b.once('end', r)), new Promise((r) => peerB.once('end', r)), new Promise<void>((r) => client.once('close', () => r()))]);
    b.resume();
    peerB.resume();
    server.close();
    await ended;
  });

  it('answers the peer\'s pings and refuses streams with the wrong parity', async () => {
    const { client, server, sent } = pair();
    server.send(pingFrame(2)); // a server ping (even id): the client echoes it
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.client.some((f) => f.equals(pingFrame(2)))).toBe(true);
    server.send(synStreamFrame(server.deflater, 3, { x: 'y' })); // odd ids are the client's
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.client.at(-1)!.readUInt16BE(2)).toBe(FRAME.RST_STREAM);
  });
});
