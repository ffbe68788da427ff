import { describe, expect, it } from 'vitest';
import { expand, expandCommandAndArgs, mappingFor } from './expansion.ts';

const vars = new Map([
  ['VAR_A', 'A'],
  ['VAR_B', 'B'],
  ['VAR_EMPTY', ''],
]);

describe('expand', () => {
  const cases: { name: string; input: string; want: string }[] = [
    { name: 'whole reference', input: '$(VAR_A)', want: 'A' },
    { name: 'embedded references', input: '___$(VAR_A)___$(VAR_B)', want: '___A___B' },
    { name: 'empty value', input: 'x$(VAR_EMPTY)y', want: 'xy' },
    { name: 'unknown stays', input: '$(NOPE)', want: '$(NOPE)' },
    { name: 'escaped', input: '$$(VAR_A)', want: '$(VAR_A)' },
    { name: 'double escape then ref', input: '$$$(VAR_A)', want: '$A' },
    { name: 'lone dollar at end', input: 'cost$', want: 'cost$' },
    { name: 'dollar + other char', input: '$VAR_A $1', want: '$VAR_A $1' },
    { name: 'unclosed reference', input: '$(VAR_A', want: '$(VAR_A' },
    { name: 'empty name', input: '$()', want: '$()' },
    { name: 'nested parens', input: '$(VAR_A$(VAR_B))', want: '$(VAR_A$(VAR_B))' },
    { name: 'no operator', input: 'plain text', want: 'plain text' },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(expand(input, mappingFor(vars))).toBe(want);
  });

  it('first source wins', () => {
    const m = mappingFor(new Map([['X', '1']]), new Map([['X', '2'], ['Y', '3']]));
    expect(expand('$(X)$(Y)', m)).toBe('13');
  });
});

describe('expandCommandAndArgs', () => {
  it('expands each element and keeps absent lists empty', () => {
    expect(expandCommandAndArgs(['sh', '-c', 'echo $(VAR_A)'], undefined, vars)).toEqual({ command: ['sh', '-c', 'echo A'], args: [] });
    expect(expandCommandAndArgs(undefined, ['$(VAR_B)', '$$(VAR_B)'], vars)).toEqual({ command: [], args: ['B', '$(VAR_B)'] });
  });
});
