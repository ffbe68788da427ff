// CRI log files as the kubelet reads them: the line format, tail counted in whole lines, the
// formatter's options, and following a file that grows, rotates, and whose container stops.
import { appendFile, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogFormatter, parseCriLine, parseLogOptions, readLog, tailOffset, type ReadLogOptions } from './logs.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8ts-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T = (s: number) => `2026-11-22T10:00:${String(s).padStart(2, '0')}.5Z`;
const line = (s: number, stream: 'stdout' | 'stderr', tag: 'P' | 'F', text: string) => `${T(s)} ${stream} ${tag} ${text}\n`;

async function read(content: string, opts: Partial<ReadLogOptions> = {}): Promise<string> {
  const path = join(dir, `f${Math.random()}.log`);
  await writeFile(path, content);
  let out = '';
  await readLog(path, { follow: false, previous: false, timestamps: false, running: async () => false, ...opts }, { write: async (b) => void (out += b.toString()) });
  return out;
}

describe('parseCriLine', () => {
  it.each([
    ['2026-11-22T10:00:00.16869303Z stdout F hello world', { time: '2026-11-22T10:00:00.16869303Z', stream: 'stdout', partial: false, text: 'hello world' }],
    ['2026-11-22T10:00:00Z stderr P  two spaces', { time: '2026-11-22T10:00:00Z', stream: 'stderr', partial: true, text: ' two spaces' }],
    ['2026-11-22T10:00:00Z stdout F', { time: '2026-11-22T10:00:00Z', stream: 'stdout', partial: false, text: '' }],
    ['2026-11-22T10:00:00Z stdout F ', { time: '2026-11-22T10:00:00Z', stream: 'stdout', partial: false, text: '' }],
  ])('parses %j', (raw, want) => {
    const e = parseCriLine(Buffer.from(raw))!;
    expect({ ...e, text: e.text.toString() }).toEqual(want);
  });
  it.each(['', 'garbage', '2026 stdin F x', '2026 stdout X x'])('rejects %j', (raw) => {
    expect(parseCriLine(Buffer.from(raw))).toBeUndefined();
  });
});

describe('reading a log file', () => {
  const content = [
    line(1, 'stdout', 'F', 'one'),
    line(2, 'stderr', 'F', 'two'),
    line(3, 'stdout', 'P', 'thr'),
    line(4, 'stdout', 'P', 'e'),
    line(5, 'stdout', 'F', 'e'),
    line(6, 'stdout', 'F', 'four'),
  ].join('');

  it('joins partial entries into whole lines', async () => {
    expect(await read(content)).toBe('one\ntwo\nthree\nfour\n');
  });

  it('tails whole lines, a joined line counting once', async () => {
    expect(await read(content, { tailLines: 1 })).toBe('four\n');
    expect(await read(content, { tailLines: 2 })).toBe('three\nfour\n');
    expect(await read(content, { tailLines: 3 })).toBe('two\nthree\nfour\n');
    expect(await read(content, { tailLines: 99 })).toBe('one\ntwo\nthree\nfour\n');
    expect(await read(content, { tailLines: 0 })).toBe('');
    expect(await read('', { tailLines: 3 })).toBe('');
  });

  it('counts a line still being written as the last one, and ignores a half-written entry', async () => {
    const growing = `${content}${line(7, 'stdout', 'P', 'unfinished')}${T(8)} stdout F no-newli`;
    expect(await read(growing, { tailLines: 1 })).toBe('unfinished');
    expect(await read(growing, { tailLines: 2 })).toBe('four\nunfinished');
  });

  it('tails across read chunks in a large file', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => line(1, 'stdout', 'F', `line ${i}`)).join('');
    expect(await read(many, { tailLines: 3 })).toBe('line 19997\nline 19998\nline 19999\n');
    expect((await read(many, { tailLines: 15_000 })).split('\n')[0]).toBe('line 5000');
  });

  it('prefixes timestamps once per line, cuts at limitBytes, skips what is before since', async () => {
    expect(await read(content, { timestamps: true, tailLines: 2 })).toBe(`${T(3)} three\n${T(6)} four\n`);
    expect(await read(content, { limitBytes: 6 })).toBe('one\ntw');
    expect(await read(content, { since: new Date(Date.parse(T(5))) })).toBe('e\nfour\n');
    expect(await read(content, { since: new Date('2027-01-01T00:00:00Z') })).toBe('');
  });

  it('skips lines that are not in the CRI format', async () => {
    expect(await read(`junk\n${line(1, 'stdout', 'F', 'ok')}`)).toBe('ok\n');
  });

  it('rejects a missing file with ENOENT', async () => {
    await expect(readLog(join(dir, 'missing.log'), { follow: false, previous: false, timestamps: false, running: async () => false }, { write: async () => undefined }))
      .rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('following a log file', () => {
  it('streams appended entries, survives a rotation, and ends once the container stopped and the file is drained', async () => {
    const path = join(dir, 'follow.log');
    await writeFile(path, line(1, 'stdout', 'F', 'before'));
    let running = true;
    const got: string[] = [];
    let wake: (() => void) | undefined;
    const done = readLog(path, { follow: true, previous: false, timestamps: false, running: async () => running, pollMs: 10, runningCheckMs: 10 }, {
      write: async (b) => {
        got.push(b.toString());
        wake?.();
      },
    });
    const saw = (text: string) => new Promise<void>((resolve) => {
      const check = () => (got.join('').includes(text) ? resolve() : undefined);
      wake = check;
      check();
    });
    await saw('before\n');
    await appendFile(path, line(2, 'stdout', 'P', 'app'));
    await appendFile(path, line(3, 'stdout', 'F', 'ended'));
    await saw('appended\n');
    // Rotation: the runtime reopens the path; what was written to the old file is read first.
    await appendFile(path, line(4, 'stdout', 'F', 'last of old'));
    await rename(path, `${path}.1`);
    await writeFile(path, line(5, 'stdout', 'F', 'first of new'));
    await saw('first of new\n');
    await appendFile(path, line(6, 'stdout', 'F', 'written before the stop was seen'));
    running = false;
    await done;
    expect(got.join('')).toBe('before\nappended\nlast of old\nfirst of new\nwritten before the stop was seen\n');
  });

  it('stops when the client goes away', async () => {
    const path = join(dir, 'abort.log');
    await writeFile(path, line(1, 'stdout', 'F', 'x'));
    const ctl = new AbortController();
    const done = readLog(path, { follow: true, previous: false, timestamps: false, running: async () => true, signal: ctl.signal, pollMs: 5_000 }, { write: async () => undefined });
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    await done; // resolves without waiting for the 5 s poll
  });

  it('stops a follow at limitBytes', async () => {
    const path = join(dir, 'limit.log');
    const fh = await open(path, 'w');
    await fh.write(line(1, 'stdout', 'F', '0123456789'));
    await fh.close();
    let out = '';
    await readLog(path, { follow: true, previous: false, timestamps: false, limitBytes: 4, running: async () => true, pollMs: 5 }, { write: async (b) => void (out += b.toString()) });
    expect(out).toBe('0123');
  });
});

describe('tailOffset', () => {
  it('is the end for 0 lines and the start for more lines than the file has', async () => {
    const path = join(dir, 'offset.log');
    const text = line(1, 'stdout', 'F', 'a') + line(2, 'stdout', 'F', 'b');
    await writeFile(path, text);
    const fh = await open(path, 'r');
    try {
      expect(await tailOffset(fh, text.length, 0)).toBe(text.length);
      expect(await tailOffset(fh, text.length, 1)).toBe(text.indexOf('\n') + 1);
      expect(await tailOffset(fh, text.length, 5)).toBe(0);
    } finally {
      await fh.close();
    }
  });
});

describe('LogFormatter and parseLogOptions', () => {
  it('keeps a partial line\'s continuation without a second timestamp', () => {
    const f = new LogFormatter({ timestamps: true });
    const e = (tag: 'P' | 'F', text: string, s: number) => parseCriLine(Buffer.from(line(s, 'stdout', tag, text).trimEnd()))!;
    expect([f.format(e('P', 'ab', 1)), f.format(e('F', 'cd', 2)), f.format(e('F', 'ef', 3))].map(String)).toEqual([`${T(1)} ab`, 'cd\n', `${T(3)} ef\n`]);
  });

  it('reads upstream\'s PodLogOptions and rejects invalid ones as upstream does', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(parseLogOptions(new URLSearchParams('follow=true&previous=1&timestamps=true&tailLines=10&limitBytes=5&sinceSeconds=60'), now)).toEqual({
      follow: true, previous: true, timestamps: true, tailLines: 10, limitBytes: 5, since: new Date('2026-11-22T09:59:00Z'),
    });
    expect(parseLogOptions(new URLSearchParams('sinceTime=2026-11-22T08:00:00Z'), now).since).toEqual(new Date('2026-11-22T08:00:00Z'));
    expect(() => parseLogOptions(new URLSearchParams('tailLines=-1'), now)).toThrow('tailLines: Invalid value: -1: must be greater than or equal to 0');
    expect(() => parseLogOptions(new URLSearchParams('limitBytes=0'), now)).toThrow('limitBytes: Invalid value: 0: must be greater than 0');
    expect(() => parseLogOptions(new URLSearchParams('sinceSeconds=5&sinceTime=2026-11-22T08:00:00Z'), now)).toThrow('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect(() => parseLogOptions(new URLSearchParams('tailLines=x'), now)).toThrow('must be an integer');
  });
});
