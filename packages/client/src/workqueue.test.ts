import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from './clock.ts';
import { ItemExponentialRateLimiter } from './ratelimit.ts';
import { runWorker, WorkQueue } from './workqueue.ts';

type Step =
  | { op: 'add'; item: string }
  | { op: 'get'; want: string | 'shutdown' }
  | { op: 'done'; item: string }
  | { op: 'shutDown' }
  | { op: 'len'; want: number };

const cases: { name: string; steps: Step[] }[] = [
  {
    name: 'hands items out in the order added',
    steps: [{ op: 'add', item: 'a' }, { op: 'add', item: 'b' }, { op: 'get', want: 'a' }, { op: 'get', want: 'b' }],
  },
  {
    name: 'duplicates collapse while queued',
    steps: [{ op: 'add', item: 'a' }, { op: 'add', item: 'b' }, { op: 'add', item: 'a' }, { op: 'len', want: 2 }],
  },
  {
    name: 'an item re-added while processing waits for done, then comes back once',
    steps: [
      { op: 'add', item: 'a' }, { op: 'get', want: 'a' },
      { op: 'add', item: 'a' }, { op: 'add', item: 'a' }, { op: 'len', want: 0 },
      { op: 'done', item: 'a' }, { op: 'len', want: 1 }, { op: 'get', want: 'a' },
    ],
  },
  {
    name: 'done without a re-add does not requeue',
    steps: [{ op: 'add', item: 'a' }, { op: 'get', want: 'a' }, { op: 'done', item: 'a' }, { op: 'len', want: 0 }],
  },
  {
    name: 'after shutDown, get drains what is queued then reports shutdown; adds are ignored',
    steps: [
      { op: 'add', item: 'a' }, { op: 'shutDown' }, { op: 'add', item: 'b' },
      { op: 'get', want: 'a' }, { op: 'get', want: 'shutdown' },
    ],
  },
];

describe('WorkQueue contract', () => {
  it.each(cases)('$name', async ({ steps }) => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    for (const s of steps) {
      switch (s.op) {
        case 'add': q.add(s.item); break;
        case 'done': q.done(s.item); break;
        case 'shutDown': q.shutDown(); break;
        case 'len': expect(q.len()).toBe(s.want); break;
        case 'get': {
          const got = await q.get();
          expect(got.shutdown ? 'shutdown' : got.item).toBe(s.want);
        }
      }
    }
  });

  it('wakes a waiting get when an item arrives, and every waiter on shutDown', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    const first = q.get();
    const second = q.get();
    q.add('a');
    expect(await first).toEqual({ item: 'a', shutdown: false });
    q.shutDown();
    expect(await second).toEqual({ shutdown: true });
  });

  it('never hands one item to two workers at once', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    const w1 = await q.get();
    const w2 = q.get();
    q.add('a');
    let second: unknown;
    void w2.then((v) => (second = v));
    await flush();
    expect(second).toBeUndefined();
    q.done('a');
    expect(await w2).toEqual({ item: 'a', shutdown: false });
    expect(w1).toEqual({ item: 'a', shutdown: false });
  });
});

describe('WorkQueue delays', () => {
  it('addAfter adds once the clock reaches the delay, keeping only the earliest due time', () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 200);
    clock.step(49);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    clock.step(1000);
    expect(q.len()).toBe(1);
  });

  it('addRateLimited backs off per item and forget resets it', () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter(5, 1000) });
    q.addRateLimited('a');
    clock.step(5);
    expect(q.len()).toBe(1);
    q.addRateLimited('b');
    q.addRateLimited('b');
    expect(q.numRequeues('b')).toBe(2);
    q.forget('b');
    expect(q.numRequeues('b')).toBe(0);
  });

  it('shutDown cancels waiting adds', () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 10);
    q.shutDown();
    expect(clock.pending).toBe(0);
  });
});

describe('runWorker', () => {
  it('forgets on success, requeues rate-limited on failure, and stops on shutdown', async () => {
    const clock = new FakeClock(0);
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter(10, 1000) });
    const seen: string[] = [];
    let failOnce = true;
    const worker = runWorker(q, async (key) => {
      seen.push(key);
      if (key === 'bad' && failOnce) {
        failOnce = false;
        throw new Error('boom');
      }
    });
    q.add('ok');
    q.add('bad');
    await flush();
    expect(seen).toEqual(['ok', 'bad']);
    expect(q.numRequeues('bad')).toBe(1);
    await clock.advance(10);
    expect(seen).toEqual(['ok', 'bad', 'bad']);
    expect(q.numRequeues('bad')).toBe(0);
    q.shutDown();
    await worker;
  });
});
