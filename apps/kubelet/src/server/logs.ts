// Container logs from the CRI log file the runtime writes: one line per write,
// `<RFC3339Nano> <stdout|stderr> <P|F> <text>`, where P marks a partial line continued by the next
// entry of the same stream. Behaviour follows upstream's kuberuntime/logs.ReadLogs: tailLines
// (counted in whole lines: partial pieces join), sinceTime/sinceSeconds, timestamps (the runtime's
// timestamp, once per line), limitBytes (of what is written, timestamps included), and follow —
// keep reading appended entries until the container is no longer running and the file is drained.
import { ApiError } from '@k8ts/api';
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { boolParam, intParam } from './http.ts';

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** whole lines from the end; undefined = all */
  tailLines?: number;
  limitBytes?: number;
  /** entries stamped before this are skipped */
  since?: Date;
}

/** PodLogOptions from the query (upstream names and validation messages). */
export function parseLogOptions(q: URLSearchParams, now: Date): LogOptions {
  const opts: LogOptions = {
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
  };
  const causes: string[] = [];
  const tail = intParam(q, 'tailLines');
  if (tail !== undefined) {
    if (tail < 0) causes.push(`tailLines: Invalid value: ${tail}: must be greater than or equal to 0`);
    opts.tailLines = tail;
  }
  const limit = intParam(q, 'limitBytes');
  if (limit !== undefined) {
    if (limit < 1) causes.push(`limitBytes: Invalid value: ${limit}: must be greater than 0`);
    opts.limitBytes = limit;
  }
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) causes.push('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) causes.push(`sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
    opts.since = new Date(now.getTime() - sinceSeconds * 1000);
  } else if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new ApiError(400, 'BadRequest', `sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 time`);
    opts.since = new Date(t);
  }
  if (causes.length) {
    const message = causes.length === 1 ? causes[0]! : `[${causes.join(', ')}]`;
    throw new ApiError(422, 'Invalid', `PodLogOptions "" is invalid: ${message}`, { kind: 'PodLogOptions', causes: causes.map((m) => ({ reason: 'FieldValueInvalid', message: m })) });
  }
  return opts;
}

export interface CriLogEntry {
  /** the runtime's timestamp, as written */
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: Buffer;
}

const SPACE = 0x20;

/** One line of a CRI log file (without its newline); undefined when it is not in that format. */
export function parseCriLine(line: Buffer): CriLogEntry | undefined {
  const a = line.indexOf(SPACE);
  if (a <= 0) return undefined;
  const b = line.indexOf(SPACE, a + 1);
  if (b < 0) return undefined;
  const stream = line.toString('latin1', a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.toString('latin1', b + 1, b + 2);
  if (tag !== 'P' && tag !== 'F') return undefined;
  // "<tag> <text>"; an empty line may be written as "<tag>" alone.
  const text = line.length > b + 2 ? line.subarray(b + 3) : Buffer.alloc(0);
  return { time: line.toString('latin1', 0, a), stream, partial: tag === 'P', text };
}

/** Whether a complete file line ends a logical line (its tag is F); unparsable lines count as whole. */
function endsLine(line: Buffer): boolean {
  const e = parseCriLine(line);
  return !e || !e.partial;
}

/** Complete lines of [0, end) from the last to the first, with their start offsets (`end` follows a newline). */
async function* linesBackward(fh: FileHandle, end: number): AsyncGenerator<{ start: number; line: Buffer }> {
  const CHUNK = 64 * 1024;
  let pos = end; // `rest` holds the bytes [pos, pos + rest.length) not yet yielded
  let rest: Buffer = Buffer.alloc(0);
  for (;;) {
    let stop = rest.length; // just after the newline of the line being looked at
    while (stop > 0) {
      const nl = stop >= 2 ? rest.lastIndexOf(0x0a, stop - 2) : -1;
      if (nl < 0 && pos > 0) break; // its start lies in bytes not read yet
      yield { start: pos + nl + 1, line: rest.subarray(nl + 1, stop - 1) };
      stop = nl + 1;
    }
    if (pos === 0) return;
    const from = Math.max(0, pos - CHUNK);
    const buf = Buffer.alloc(pos - from);
    await fh.read(buf, 0, buf.length, from);
    rest = Buffer.concat([buf, rest.subarray(0, stop)]);
    pos = from;
  }
}

/**
 * The byte offset where the last `n` whole lines of [0, end) start (`end` just after a newline).
 * A logical line starts after an F entry (or at the file's start); a trailing run of P entries,
 * a line still being written, counts as one.
 */
export async function tailOffset(fh: FileHandle, end: number, n: number): Promise<number> {
  if (n <= 0) return end;
  let count = 0;
  let last = true;
  for await (const { start, line } of linesBackward(fh, end)) {
    // The line after this one starts a logical line when this one ends one.
    if (!last && endsLine(line)) {
      count++;
      if (count === n) return start + line.length + 1;
    }
    last = false;
  }
  return 0; // the file's first line starts the last `n` (or there are fewer)
}

/** Where log output goes; `write` resolves once the receiver has taken it (backpressure). */
export interface LogSink {
  write(chunk: Buffer): Promise<void>;
}

/** Formats entries into output: timestamps once per line, the byte limit, partial lines joined. */
export class LogFormatter {
  private atLineStart = true;
  private remaining: number;

  constructor(private readonly opts: Pick<LogOptions, 'timestamps' | 'limitBytes' | 'since'>) {
    this.remaining = opts.limitBytes ?? Infinity;
  }

  get exhausted(): boolean {
    return this.remaining <= 0;
  }

  /** The bytes to write for one entry (possibly none). */
  format(e: CriLogEntry): Buffer | undefined {
    if (this.remaining <= 0) return undefined;
    if (this.opts.since && Date.parse(e.time) < this.opts.since.getTime()) return undefined;
    const parts: Buffer[] = [];
    if (this.opts.timestamps && this.atLineStart) parts.push(Buffer.from(`${e.time} `, 'latin1'));
    parts.push(e.text);
    if (!e.partial) parts.push(Buffer.from('\n'));
    this.atLineStart = !e.partial;
    let out = Buffer.concat(parts);
    if (out.length > this.remaining) out = out.subarray(0, this.remaining);
    this.remaining -= out.length;
    return out;
  }
}

export interface ReadLogOptions extends LogOptions {
  /** true while the container still runs (follow ends once it does not and the file is drained) */
  running(): Promise<boolean>;
  signal?: AbortSignal;
  /** idle poll interval while following; default 250 ms (file changes wake it sooner) */
  pollMs?: number;
  /** how often `running()` is asked while idle; default 1 s */
  runningCheckMs?: number;
}

/** Streams the log file at `path` into `sink` as the options say. Rejects with ENOENT if it is missing. */
export async function readLog(path: string, opts: ReadLogOptions, sink: LogSink): Promise<void> {
  const pollMs = opts.pollMs ?? 250;
  const runningCheckMs = opts.runningCheckMs ?? 1_000;
  let fh = await open(path, 'r');
  try {
    let ino = (await fh.stat()).ino;
    const size = (await fh.stat()).size;
    const fmt = new LogFormatter(opts);
    // Start after the last complete line when tailing; everything after it is followed.
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    if (opts.tailLines !== undefined) {
      // The last newline at or before `size`: bytes after it are an entry still being written.
      await fh.read(head, 0, head.length, size - head.length);
      const nl = head.lastIndexOf(0x0a);
      end = nl < 0 ? (size > head.length ? size : 0) : size - head.length + nl + 1;
    }
    let pos = opts.tailLines !== undefined ? await tailOffset(fh, end, opts.tailLines) : 0;
    let pending: Buffer = Buffer.alloc(0);
    const buf = Buffer.alloc(64 * 1024);

    /** Reads to the current end of file; false once the byte limit is reached. */
    const drain = async (): Promise<boolean> => {
      for (;;) {
        if (opts.signal?.aborted) return false;
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return true;
        pos += bytesRead;
        let data = pending.length ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          const entry = parseCriLine(data.subarray(start, nl));
          start = nl + 1;
          if (!entry) continue;
          const out = fmt.format(entry);
          if (out?.length) await sink.write(out);
          if (fmt.exhausted) return false;
        }
        pending = Buffer.from(data.subarray(start));
        data = Buffer.alloc(0);
      }
    };

    if (!(await drain()) || !opts.follow) return;

    let wake: (() => void) | undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(path, () => wake?.());
      watcher.on('error', () => undefined);
    } catch {
      watcher = undefined; // polling alone
    }
    const onAbort = () => wake?.();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      let lastCheck = 0;
      for (;;) {
        if (opts.signal?.aborted) return;
        // Rotated: finish the old file, then read the new one from its start.
        const now = await stat(path).catch(() => undefined);
        if (now && now.ino !== ino) {
          if (!(await drain())) return;
          await fh.close();
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
          pending = Buffer.alloc(0);
          watcher?.close();
          try {
            watcher = watch(path, () => wake?.());
            watcher.on('error', () => undefined);
          } catch {
            watcher = undefined;
          }
        }
        if (!(await drain())) return;
        if (Date.now() - lastCheck >= runningCheckMs) {
          lastCheck = Date.now();
          if (!(await opts.running())) {
            await drain(); // what it wrote before it ended
            return;
          }
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, pollMs);
          function done() {
            clearTimeout(t);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      watcher?.close();
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}
