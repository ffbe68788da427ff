import { describe, expect, it } from 'vitest';
import { Channel, ndjson } from './watch.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* chunks(parts: (string | Buffer)[]) {
  for (const p of parts) yield p;
}

describe('ndjson', () => {
  const euro = Buffer.from('{"s":"€"}\n');
  const cases: { name: string; parts: (string | Buffer)[]; want: unknown[] }[] = [
    { name: 'one value per line', parts: ['{"a":1}\n{"a":2}\n'], want: [{ a: 1 }, { a: 2 }] },
    { name: 'a value split across chunks', parts: ['{"a":', '1}\n{"b"', ':2}\n'], want: [{ a: 1 }, { b: 2 }] },
    { name: 'a multi-byte character split across chunks', parts: [euro.subarray(0, 7), euro.subarray(7)], want: [{ s: '€' }] },
    { name: 'blank lines skipped, last line without newline kept', parts: ['\n{"a":1}\r\n\n{"a":2}'], want: [{ a: 1 }, { a: 2 }] },
  ];
  it.each(cases)('$name', async ({ parts, want }) => {
    expect(await collect(ndjson(chunks(parts)))).toEqual(want);
  });

  it('throws on a line that is not JSON', async () => {
    await expect(collect(ndjson(chunks(['{"a":1}\nnot json\n'])))).rejects.toThrow(SyntaxError);
  });
});

describe('Channel', () => {
  it('delivers pushed values in order, then ends', async () => {
    const ch = new Channel<number>();
    const got = collect(ch);
    ch.push(1);
    ch.push(2);
    ch.end();
    ch.push(3);
    expect(await got).toEqual([1, 2]);
  });

  it('delivers what was pushed before a failure, then throws it', async () => {
    const ch = new Channel<number>();
    ch.push(1);
    ch.fail(new Error('broken'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of ch) seen.push(x);
      })(),
    ).rejects.toThrow('broken');
    expect(seen).toEqual([1]);
  });
});
