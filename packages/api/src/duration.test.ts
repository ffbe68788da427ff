import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000], ['250ms', 250], ['1.5s', 1_500], ['5m', 300_000], ['2h', 7_200_000], ['1m30s', 90_000],
    ['1h0m0s', 3_600_000], ['1h2m3s4ms', 3_723_004], ['30', 30_000], ['0.5', 500], ['1500us', 2], ['0s', 0],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 's', '-1s', '1d', '10 s', '1m30', 'abc', '1.s'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
