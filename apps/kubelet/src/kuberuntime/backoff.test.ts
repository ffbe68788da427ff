import { FakeClock } from '@k8ts/client';
import type { Container } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { backoffMessage, CrashLoopBackoff, goDuration } from './backoff.ts';
import { stableKey } from './labels.ts';
import { containerStatus, makePod } from './testing.ts';

const START = Date.UTC(2025, 0, 1);
const at = (sec: number) => new Date(START + sec * 1000);

describe('goDuration', () => {
  const cases = [
    { name: 'zero', ms: 0, want: '0s' },
    { name: 'milliseconds', ms: 500, want: '500ms' },
    { name: 'seconds', ms: 10_000, want: '10s' },
    { name: 'fractional seconds', ms: 1500, want: '1.5s' },
    { name: 'minutes', ms: 80_000, want: '1m20s' },
    { name: 'minutes and seconds', ms: 160_000, want: '2m40s' },
    { name: 'whole minutes keep 0s', ms: 300_000, want: '5m0s' },
    { name: 'hours', ms: 3_600_000, want: '1h0m0s' },
  ];
  it.each(cases)('$name', ({ ms, want }) => expect(goDuration(ms)).toBe(want));
});

describe('CrashLoopBackoff', () => {
  it('doubles from 10s to the 300s cap', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next('k', clock.now());
      seen.push(b.get('k'));
      clock.step(1000);
    }
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('honours configured initial and max', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock, initialMs: 100, maxMs: 250 });
    b.next('k', clock.now());
    b.next('k', clock.now());
    b.next('k', clock.now());
    expect(b.get('k')).toBe(250);
    expect(() => new CrashLoopBackoff({ clock, initialMs: 10, maxMs: 5 })).toThrow(RangeError);
  });

  const windows = [
    { name: 'unknown key is never in back-off', next: false, eventSec: 0, nowSec: 0, want: false },
    { name: 'just after the exit', next: true, eventSec: 0, nowSec: 1, want: true },
    { name: 'one ms before the delay ends', next: true, eventSec: 0, nowSec: 9.999, want: true },
    { name: 'exactly at the delay (strict)', next: true, eventSec: 0, nowSec: 10, want: false },
    { name: 'counted from the exit, not from next()', next: true, eventSec: 5, nowSec: 14, want: true },
  ];
  it.each(windows)('isInBackOffSince: $name', ({ next, eventSec, nowSec, want }) => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    if (next) b.next('k', at(0));
    clock.step(nowSec * 1000);
    expect(b.isInBackOffSince('k', at(eventSec))).toBe(want);
  });

  it('starts over when the container ran longer than 10 minutes', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    b.next('k', at(0));
    b.next('k', at(0));
    expect(b.get('k')).toBe(20_000);
    // Restarted at t=0 (lastUpdate), exited at t=601: it ran long enough to count as healthy.
    clock.step(601_000);
    expect(b.isInBackOffSince('k', at(601))).toBe(false);
    b.next('k', at(601));
    expect(b.get('k')).toBe(10_000);
  });

  it('keeps doubling after a short run, however long ago', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    b.next('k', at(0));
    clock.step(3_600_000);
    b.next('k', at(5)); // exited 5 s after its restart, restarted an hour later
    expect(b.get('k')).toBe(20_000);
  });

  it('gc forgets keys not restarted for 10 minutes', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    b.next('old', clock.now());
    clock.step(300_000);
    b.next('recent', clock.now());
    clock.step(300_001);
    b.gc();
    expect(b.size).toBe(1);
    expect(b.get('old')).toBe(0);
    expect(b.get('recent')).toBe(10_000);
  });
});

describe('CrashLoopBackoff.check (doBackOff)', () => {
  const app: Container = { name: 'app', image: 'busybox' };
  const pod = makePod({ containers: [app] }, { name: 'crash', namespace: 'ns', uid: 'u-1' });
  const exitedAt = (sec: number, id = `app-${sec}`) =>
    containerStatus(app, { id, state: 'CONTAINER_EXITED', exitCode: 1, createdSec: sec - 1, finishedSec: sec });

  it('walks a crash loop: immediate first restart, then 10s, 20s, 40s', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    const epoch = START / 1000;
    const statuses = [containerStatus(app, { id: 'app-0', state: 'CONTAINER_RUNNING', createdSec: epoch })];
    // Never exited: never held back, and nothing recorded.
    expect(b.check(pod, app, statuses)).toEqual({ inBackoff: false });
    expect(b.size).toBe(0);

    const restarts: number[] = [];
    let t = 0;
    for (let crash = 0; crash < 4; crash++) {
      t += 1; // each attempt crashes one second after it starts
      clock.step(1000);
      statuses.unshift(exitedAt(epoch + t));
      while (b.check(pod, app, statuses).inBackoff) {
        clock.step(1000);
        t += 1;
      }
      restarts.push(t);
    }
    // Crash at 1 → restart at 1; crash at 2 → +10 s; crash at 13 → +20 s; crash at 34 → +40 s.
    expect(restarts).toEqual([1, 12, 33, 74]);
  });

  it('reports upstream message while in back-off', () => {
    const clock = new FakeClock(START);
    const b = new CrashLoopBackoff({ clock });
    const epoch = START / 1000;
    b.next(stableKey(pod, app), clock.now());
    b.next(stableKey(pod, app), clock.now());
    b.next(stableKey(pod, app), clock.now());
    b.next(stableKey(pod, app), clock.now());
    clock.step(2000);
    expect(b.check(pod, app, [exitedAt(epoch + 1)])).toEqual({
      inBackoff: true,
      message: 'back-off 1m20s restarting failed container=app pod=crash_ns(u-1)',
    });
  });

  it('backoffMessage formats like upstream', () => {
    expect(backoffMessage(10_000, 'c', pod)).toBe('back-off 10s restarting failed container=c pod=crash_ns(u-1)');
    expect(backoffMessage(300_000, 'c', pod)).toBe('back-off 5m0s restarting failed container=c pod=crash_ns(u-1)');
  });
});
