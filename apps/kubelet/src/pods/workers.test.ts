// PodWorkers on a FakeClock with a sync function the test drives: each call is recorded with its
// time, and resolves or fails when the test says so (or at once, by the case's script).
import { FakeClock, flush } from '@k8ts/client';
import { describe, expect, it } from 'vitest';
import { PodWorkers } from './workers.ts';

interface Call {
  uid: string;
  at: number;
  finish(requeueMs?: number): void;
  fail(message: string): void;
}

/**
 * Each sync waits for the test unless `answer` (given the uid and the how-manieth call for it
 * this is) settles it at once: 'done' = no requeue, a number = requeue after that many ms, an
 * Error = failure.
 */
function harness(answer?: (uid: string, n: number) => 'done' | number | Error | 'wait') {
  const clock = new FakeClock();
  const t0 = clock.now().getTime();
  const calls: Call[] = [];
  const errors: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const workers = new PodWorkers(
    (uid) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<number | undefined>((resolve, reject) => {
        const settle = (fn: () => void) => () => {
          running--;
          fn();
        };
        const call: Call = {
          uid, at: clock.now().getTime() - t0,
          finish: (ms) => settle(() => resolve(ms))(),
          fail: (message) => settle(() => reject(new Error(message)))(),
        };
        calls.push(call);
        const a = answer?.(uid, calls.filter((c) => c.uid === uid).length) ?? 'wait';
        if (a instanceof Error) call.fail(a.message);
        else if (a === 'done') call.finish();
        else if (a !== 'wait') call.finish(a);
      });
    },
    clock,
    (uid, err) => errors.push(`${uid}: ${(err as Error).message}`),
  );
  const times = (uid: string) => calls.filter((c) => c.uid === uid).map((c) => c.at);
  return { clock, workers, calls, errors, times, maxRunning: () => maxRunning };
}

describe('PodWorkers: one sync at a time per pod', () => {
  it('updates during a sync coalesce into exactly one more run', async () => {
    const h = harness();
    h.workers.update('a');
    h.workers.update('a');
    h.workers.update('a');
    h.workers.update('a');
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.finish();
    await flush();
    expect(h.calls).toHaveLength(2);
    h.calls[1]!.finish();
    await flush();
    expect(h.calls).toHaveLength(2);
    expect(h.maxRunning()).toBe(1);
  });

  it('a sync that runs again after coalescing is not followed by a third', async () => {
    const h = harness((_uid, n) => (n === 1 ? 'wait' : 'done'));
    h.workers.update('a');
    h.workers.update('a');
    h.calls[0]!.finish();
    await h.clock.advance(60_000, 1000);
    expect(h.times('a')).toEqual([0, 0]);
  });

  it('different pods sync concurrently', () => {
    const h = harness();
    h.workers.update('a');
    h.workers.update('b');
    expect(h.calls.map((c) => c.uid)).toEqual(['a', 'b']);
    expect(h.workers.size).toBe(2);
  });

  it('an update after the sync ended starts a new sync at once', async () => {
    const h = harness(() => 'done');
    h.workers.update('a');
    await flush();
    h.workers.update('a');
    expect(h.calls).toHaveLength(2);
  });
});

describe('PodWorkers: scheduled syncs', () => {
  const cases = [
    { name: 'one schedule runs when it is due', schedules: [5000], want: [5000] },
    { name: 'an earlier schedule replaces a later one', schedules: [5000, 2000], want: [2000] },
    { name: 'a later schedule does not delay an earlier one', schedules: [2000, 5000], want: [2000] },
    { name: 'equal schedules run once', schedules: [3000, 3000], want: [3000] },
  ];
  it.each(cases)('$name', async ({ schedules, want }) => {
    const h = harness(() => 'done');
    for (const ms of schedules) h.workers.update('a', ms);
    expect(h.calls).toHaveLength(0);
    await h.clock.advance(10_000, 500);
    expect(h.times('a')).toEqual(want);
  });

  it('does not run a moment before it is due', async () => {
    const h = harness(() => 'done');
    h.workers.update('a', 5000);
    await h.clock.advance(4999);
    expect(h.calls).toHaveLength(0);
    await h.clock.advance(1);
    expect(h.times('a')).toEqual([5000]);
  });

  it('an immediate update runs now and drops the pending schedule', async () => {
    const h = harness(() => 'done');
    h.workers.update('a', 5000);
    h.workers.update('a');
    await h.clock.advance(10_000, 500);
    expect(h.times('a')).toEqual([0]);
  });

  it('the delay a sync asks for schedules the next sync', async () => {
    const h = harness((_uid, n) => (n < 3 ? 3000 : 'done'));
    h.workers.update('a');
    await h.clock.advance(20_000, 500);
    expect(h.times('a')).toEqual([0, 3000, 6000]);
  });

  it('a schedule that falls due during a sync makes it run once more afterwards', async () => {
    const h = harness();
    h.workers.update('a');
    h.workers.update('a', 1000);
    await h.clock.advance(2000, 500);
    expect(h.calls).toHaveLength(1);
    h.calls[0]!.finish();
    await flush();
    expect(h.times('a')).toEqual([0, 2000]);
  });
});

describe('PodWorkers: failures', () => {
  it('retries a failing sync with a doubling delay capped at 30 s and reports every failure', async () => {
    const h = harness(() => new Error('runtime down'));
    h.workers.update('a');
    await h.clock.advance(100_000, 500);
    expect(h.times('a')).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500, 61_500, 91_500]);
    expect(h.errors).toHaveLength(9);
    expect(h.errors[0]).toBe('a: runtime down');
  });

  it('a success resets the retry delay', async () => {
    // Fails twice, succeeds, is updated, fails again: the next retry comes after 500 ms again.
    const h = harness((_uid, n) => (n === 3 ? 'done' : new Error(`attempt ${n}`)));
    h.workers.update('a');
    await h.clock.advance(2000, 500);
    expect(h.times('a')).toEqual([0, 500, 1500]);
    h.workers.update('a');
    await h.clock.advance(600, 100);
    expect(h.times('a')).toEqual([0, 500, 1500, 2000, 2500]);
    expect(h.errors).toEqual(['a: attempt 1', 'a: attempt 2', 'a: attempt 4', 'a: attempt 5']);
  });

  it("a failing pod does not hold back another pod's sync", async () => {
    const h = harness((uid) => (uid === 'bad' ? new Error('boom') : 'done'));
    h.workers.update('bad');
    h.workers.update('good');
    await flush();
    expect(h.times('good')).toEqual([0]);
  });
});

describe('PodWorkers: stop', () => {
  it('waits for a running sync and starts nothing new', async () => {
    const h = harness();
    h.workers.update('a');
    h.workers.update('b', 1000);
    let stopped = false;
    const done = h.workers.stop().then(() => (stopped = true));
    h.workers.update('a');
    h.workers.update('c');
    await h.clock.advance(5000, 20);
    expect(stopped).toBe(false);
    h.calls[0]!.finish(100);
    await h.clock.advance(20, 20);
    await done;
    expect(stopped).toBe(true);
    await h.clock.advance(60_000, 1000);
    // Only the sync that was running when stop() was called ever ran.
    expect(h.calls.map((c) => c.uid)).toEqual(['a']);
  });

  it('resolves at once when nothing runs', async () => {
    const h = harness(() => 'done');
    h.workers.update('a', 1000);
    await h.workers.stop();
    await h.clock.advance(5000, 500);
    expect(h.calls).toHaveLength(0);
  });
});

describe('PodWorkers: forget', () => {
  it('cancels the pending schedule of an idle pod', async () => {
    const h = harness(() => 'done');
    h.workers.update('a', 1000);
    h.workers.forget('a');
    expect(h.workers.size).toBe(0);
    await h.clock.advance(5000, 500);
    expect(h.calls).toHaveLength(0);
  });

  it('a pod forgotten from inside its own sync (after clean-up) is dropped when the sync ends', async () => {
    const h = harness();
    h.workers.update('a');
    h.workers.forget('a');
    h.calls[0]!.finish(1000);
    await h.clock.advance(5000, 500);
    // Neither kept nor rescheduled by the requeue the clean-up sync returned.
    expect(h.workers.size).toBe(0);
    expect(h.times('a')).toEqual([0]);
    // A pod of the same uid (a static pod re-added) starts afresh, its schedule honoured.
    h.workers.update('a', 2000);
    await h.clock.advance(2000, 500);
    expect(h.times('a')).toEqual([0, 7000]);
  });

  it('an update after forget, during the same sync, keeps the pod', async () => {
    const h = harness((_uid, n) => (n === 1 ? 'wait' : 'done'));
    h.workers.update('a');
    h.workers.forget('a');
    h.workers.update('a');
    h.calls[0]!.finish();
    await flush();
    expect(h.times('a')).toEqual([0, 0]);
  });
});
