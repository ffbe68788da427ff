import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { matchingTolerations, minTolerationMs, tolerates } from './taints.ts';

const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoExecute' };

describe('tolerations', () => {
  it.each<{ name: string; tol: Toleration; want: boolean }>([
    { name: 'Equal with the same value', tol: { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }, want: true },
    { name: 'operator defaults to Equal', tol: { key: 'dedicated', value: 'gpu' }, want: true },
    { name: 'Equal with another value', tol: { key: 'dedicated', operator: 'Equal', value: 'cpu' }, want: false },
    { name: 'Exists ignores the value', tol: { key: 'dedicated', operator: 'Exists' }, want: true },
    { name: 'empty key with Exists tolerates everything', tol: { operator: 'Exists' }, want: true },
    { name: 'another effect', tol: { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, want: false },
    { name: 'another key', tol: { key: 'other', operator: 'Exists' }, want: false },
  ])('$name', ({ tol, want }) => expect(tolerates(tol, taint)).toBe(want));

  it('reports the toleration used for each taint, or none if one is not tolerated', () => {
    const a: Taint = { key: 'a', effect: 'NoExecute' };
    const b: Taint = { key: 'b', effect: 'NoExecute' };
    const ta: Toleration = { key: 'a', operator: 'Exists', tolerationSeconds: 30 };
    const tb: Toleration = { key: 'b', operator: 'Exists' };
    expect(matchingTolerations([a, b], [tb, ta])).toEqual({ all: true, used: [ta, tb] });
    expect(matchingTolerations([a, b], [ta])).toEqual({ all: false, used: [] });
    expect(minTolerationMs([ta, tb])).toBe(30_000);
    expect(minTolerationMs([tb])).toBeUndefined();
  });
});
