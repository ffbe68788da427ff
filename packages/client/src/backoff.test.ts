import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { FakeClock } from './clock.ts';

describe('Backoff', () => {
  const cases: { name: string; random: number; gapsMs: number[]; want: number[] }[] = [
    { name: 'doubles from 800 ms up to the 30 s cap', random: 0, gapsMs: [0, 0, 0, 0, 0, 0, 0, 0], want: [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000] },
    { name: 'jitter adds up to one more wait', random: 0.5, gapsMs: [0, 0], want: [1200, 2400] },
    { name: 'a quiet spell over 2 min starts over', random: 0, gapsMs: [0, 0, 120_001], want: [800, 1600, 800] },
  ];
  it.each(cases)('$name', ({ random, gapsMs, want }) => {
    const clock = new FakeClock(0);
    const b = new Backoff({ clock, random: () => random });
    const got = gapsMs.map((gap) => {
      clock.step(gap);
      return b.next();
    });
    expect(got).toEqual(want);
  });
});
