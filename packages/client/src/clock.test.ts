import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';

describe('FakeClock', () => {
  const cases: { name: string; timers: [label: string, ms: number][]; cancel?: string[]; step: number; fired: string[] }[] = [
    { name: 'fires nothing before it is due', timers: [['a', 10]], step: 9, fired: [] },
    { name: 'fires at exactly the due time', timers: [['a', 10]], step: 10, fired: ['a'] },
    { name: 'fires in due order, not creation order', timers: [['late', 30], ['early', 10], ['mid', 20]], step: 100, fired: ['early', 'mid', 'late'] },
    { name: 'ties fire in creation order', timers: [['first', 5], ['second', 5]], step: 5, fired: ['first', 'second'] },
    { name: 'a zero delay fires on step(0)', timers: [['now', 0]], step: 0, fired: ['now'] },
    { name: 'a cleared timer never fires', timers: [['a', 1], ['b', 2]], cancel: ['a'], step: 5, fired: ['b'] },
  ];
  it.each(cases)('$name', ({ timers, cancel = [], step, fired }) => {
    const clock = new FakeClock(0);
    const got: string[] = [];
    const handles = new Map(timers.map(([label, ms]) => [label, clock.setTimeout(() => got.push(label), ms)]));
    for (const c of cancel) clock.clearTimeout(handles.get(c)!);
    clock.step(step);
    expect(got).toEqual(fired);
    expect(clock.now().getTime()).toBe(step);
  });

  it('runs timers set by a firing timer within the same step, with now() at their due time', () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now().getTime());
      clock.setTimeout(() => seen.push(clock.now().getTime()), 5);
    }, 10);
    clock.step(20);
    expect(seen).toEqual([10, 15]);
  });

  it('sleep resolves when stepped and rejects when aborted', async () => {
    const clock = new FakeClock(0);
    const done = clock.sleep(100);
    clock.step(100);
    await expect(done).resolves.toBeUndefined();

    const ac = new AbortController();
    const aborted = clock.sleep(100, ac.signal);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });

  it('advance lets awaiting code set its next timer between ticks', async () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        ticks.push(clock.now().getTime());
      }
    })();
    await clock.advance(30, 10);
    await loop;
    expect(ticks).toEqual([10, 20, 30]);
  });
});
