import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { describe, expect, it } from 'vitest';
import { containerCells, formatLabelSelector, formatLabels, humanDuration, joinHostPort, listWithMore, selectorString, since } from './format.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  const cases: { name: string; ms: number; want: string }[] = [
    { name: 'zero', ms: 0, want: '0s' },
    { name: 'slightly in the future is now', ms: -1500, want: '0s' },
    { name: 'two seconds in the future is invalid', ms: -2 * S, want: '<invalid>' },
    { name: 'seconds are truncated', ms: 59 * S + 999, want: '59s' },
    { name: 'seconds up to two minutes', ms: 119 * S, want: '119s' },
    { name: 'whole minutes', ms: 2 * M, want: '2m' },
    { name: 'minutes and seconds under ten minutes', ms: 2 * M + 3 * S, want: '2m3s' },
    { name: 'ten minutes drops seconds', ms: 10 * M + 30 * S, want: '10m' },
    { name: 'minutes up to three hours', ms: 179 * M, want: '179m' },
    { name: 'whole hours', ms: 3 * H, want: '3h' },
    { name: 'hours and minutes under eight hours', ms: 3 * H + 4 * M, want: '3h4m' },
    { name: 'eight hours drops minutes', ms: 8 * H + 5 * M, want: '8h' },
    { name: 'hours up to two days', ms: 47 * H, want: '47h' },
    { name: 'whole days', ms: 2 * D, want: '2d' },
    { name: 'days and hours under eight days', ms: 2 * D + 3 * H, want: '2d3h' },
    { name: 'eight days drops hours', ms: 8 * D + 5 * H, want: '8d' },
    { name: 'days up to two years', ms: 729 * D, want: '729d' },
    { name: 'whole years', ms: 730 * D, want: '2y' },
    { name: 'years and days under eight years', ms: 733 * D, want: '2y3d' },
    { name: 'years only from eight years', ms: 365 * 8 * D + 40 * D, want: '8y' },
  ];
  it.each(cases)('$name', ({ ms, want }) => expect(humanDuration(ms)).toBe(want));
});

describe('since', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const cases = [
    { name: 'absent timestamp', ts: undefined, want: '<unknown>' },
    { name: 'unparsable timestamp', ts: 'yesterday', want: '<unknown>' },
    { name: 'five minutes ago', ts: '2024-05-01T11:55:00Z', want: '5m' },
    { name: 'micro time', ts: '2024-05-01T11:59:30.123456Z', want: '29s' },
  ];
  it.each(cases)('$name', ({ ts, want }) => expect(since(ts, now)).toBe(want));
});

describe('labels and selectors', () => {
  it.each<{ name: string; labels: Record<string, string> | undefined; want: string }>([
    { name: 'sorted labels', labels: { b: '2', a: '1' }, want: 'a=1,b=2' },
    { name: 'no labels', labels: {}, want: '<none>' },
    { name: 'missing labels', labels: undefined, want: '<none>' },
  ])('formatLabels: $name', ({ labels, want }) => expect(formatLabels(labels)).toBe(want));

  it.each<{ name: string; sel: LabelSelector | undefined; str: string | undefined; formatted: string }>([
    { name: 'missing selector prints nothing', sel: undefined, str: '', formatted: '<none>' },
    { name: 'empty selector prints nothing', sel: {}, str: '', formatted: '<none>' },
    { name: 'match labels sorted by key', sel: { matchLabels: { tier: 'web', app: 'x' } }, str: 'app=x,tier=web', formatted: 'app=x,tier=web' },
    {
      name: 'expressions with sorted values',
      sel: {
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'gpu', operator: 'Exists' },
        ],
      },
      str: 'app=x,!canary,env in (dev,prod),gpu,zone notin (b)',
      formatted: 'app=x,!canary,env in (dev,prod),gpu,zone notin (b)',
    },
    { name: 'unknown operator', sel: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, str: undefined, formatted: '<error>' },
    { name: 'In without values', sel: { matchExpressions: [{ key: 'a', operator: 'In' }] }, str: undefined, formatted: '<error>' },
  ])('selector: $name', ({ sel, str, formatted }) => {
    expect(selectorString(sel)).toBe(str);
    expect(formatLabelSelector(sel)).toBe(formatted);
  });
});

describe('small helpers', () => {
  it('lays out containers', () => {
    expect(containerCells([{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox:1.36' }])).toEqual(['a,b', 'nginx,busybox:1.36']);
    expect(containerCells(undefined)).toEqual(['', '']);
  });
  it.each([
    { name: 'empty', items: [], want: '<unset>' },
    { name: 'three', items: ['a', 'b', 'c'], want: 'a,b,c' },
    { name: 'five', items: ['a', 'b', 'c', 'd', 'e'], want: 'a,b,c + 2 more...' },
  ])('listWithMore: $name', ({ items, want }) => expect(listWithMore(items)).toBe(want));
  it('brackets IPv6 hosts', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80');
  });
});
