import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { defaultControllerRateLimiter, ItemExponentialRateLimiter, TokenBucket } from './ratelimit.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at 1/qps', () => {
    const clock = new FakeClock(0);
    const b = new TokenBucket({ qps: 10, burst: 3, clock });
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBe(100);
    expect(b.reserve()).toBe(200);
    clock.step(1000);
    expect(b.tryAccept()).toBe(true);
  });

  it('refills no further than burst', () => {
    const clock = new FakeClock(0);
    const b = new TokenBucket({ qps: 1, burst: 2, clock });
    clock.step(60_000);
    expect([b.tryAccept(), b.tryAccept(), b.tryAccept()]).toEqual([true, true, false]);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1, clock: new FakeClock() })).toThrow(/qps > 0/);
  });
});

describe('ItemExponentialRateLimiter', () => {
  it('doubles per item from the base up to the cap, and forget starts over', () => {
    const l = new ItemExponentialRateLimiter<string>(5, 40);
    expect([l.when('a'), l.when('a'), l.when('a'), l.when('a'), l.when('a')]).toEqual([5, 10, 20, 40, 40]);
    expect(l.when('b')).toBe(5);
    expect(l.numRequeues('a')).toBe(5);
    l.forget('a');
    expect(l.when('a')).toBe(5);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is per-item exponential until the shared bucket (10 qps, 100 burst) runs dry', () => {
    const l = defaultControllerRateLimiter<string>(new FakeClock(0));
    expect(l.when('x')).toBe(5);
    expect(l.when('x')).toBe(10);
    for (let i = 0; i < 98; i++) l.when(`k${i}`);
    // The bucket is now empty: the 101st request waits a tenth of a second.
    expect(l.when('fresh')).toBe(100);
  });
});
