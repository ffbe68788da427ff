import { describe, expect, it } from 'vitest';
import { ResultsManager, type ProbeResult } from './results.ts';

describe('ResultsManager', () => {
  it.each<{ name: string; sets: ProbeResult[]; heard: ProbeResult[] }>([
    { name: 'first value is announced', sets: ['Failure'], heard: ['Failure'] },
    { name: 'repeating a value is silent', sets: ['Success', 'Success', 'Success'], heard: ['Success'] },
    { name: 'every change is announced', sets: ['Failure', 'Success', 'Failure'], heard: ['Failure', 'Success', 'Failure'] },
  ])('$name', ({ sets, heard }) => {
    const m = new ResultsManager();
    const got: ProbeResult[] = [];
    m.onUpdate((u) => got.push(u.result));
    for (const r of sets) m.set('c1', r, 'uid', 'app');
    expect(got).toEqual(heard);
    expect(m.get('c1')).toBe(sets.at(-1));
  });

  it('removal is silent, and a later set is announced again', () => {
    const m = new ResultsManager();
    const got: string[] = [];
    const off = m.onUpdate((u) => got.push(`${u.podUid}/${u.containerName}/${u.containerId}=${u.result}`));
    m.set('c1', 'Success', 'uid', 'app');
    m.remove('c1');
    expect(m.get('c1')).toBeUndefined();
    m.set('c1', 'Success', 'uid', 'app');
    off();
    m.set('c1', 'Failure', 'uid', 'app');
    expect(got).toEqual(['uid/app/c1=Success', 'uid/app/c1=Success']);
  });
});
