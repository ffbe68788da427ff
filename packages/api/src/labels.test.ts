import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { everything, labelSelectorFromObject, nothing, parseLabelSelector, selectorFromSet } from './labels.ts';

const L = { app: 'web', tier: 'front', n: '5', empty: '' };

describe('parseLabelSelector matches', () => {
  const cases: { name: string; sel: string; labels?: Record<string, string>; want: boolean }[] = [
    { name: 'empty selects all', sel: '', want: true },
    { name: 'blank selects all', sel: '  ', want: true },
    { name: 'equals', sel: 'app=web', want: true },
    { name: 'equals other value', sel: 'app=db', want: false },
    { name: 'double equals', sel: 'app==web', want: true },
    { name: 'not equals value', sel: 'app!=db', want: true },
    { name: 'not equals same', sel: 'app!=web', want: false },
    { name: 'not equals missing key', sel: 'zone!=a', want: true },
    { name: 'in', sel: 'tier in (back, front)', want: true },
    { name: 'in missing key', sel: 'zone in (a)', want: false },
    { name: 'in other', sel: 'tier in (back)', want: false },
    { name: 'notin', sel: 'tier notin (back)', want: true },
    { name: 'notin present', sel: 'tier notin (front,back)', want: false },
    { name: 'notin missing key', sel: 'zone notin (a)', want: true },
    { name: 'exists', sel: 'app', want: true },
    { name: 'exists missing', sel: 'zone', want: false },
    { name: 'does not exist', sel: '!zone', want: true },
    { name: 'does not exist present', sel: '!app', want: false },
    { name: 'gt', sel: 'n>4', want: true },
    { name: 'gt equal', sel: 'n>5', want: false },
    { name: 'lt', sel: 'n<6', want: true },
    { name: 'gt on non-integer label', sel: 'app>1', want: false },
    { name: 'equals empty value', sel: 'empty=', want: true },
    { name: 'in empty set holds empty', sel: 'empty in ()', want: true },
    { name: 'conjunction', sel: 'app=web,tier in (front),!zone', want: true },
    { name: 'conjunction one fails', sel: 'app=web,tier=back', want: false },
    { name: 'keyword as key and value', sel: 'in in (in)', labels: { in: 'in' }, want: true },
    { name: 'prefixed key', sel: 'example.com/role=x', labels: { 'example.com/role': 'x' }, want: true },
    { name: 'undefined labels', sel: '!a', labels: undefined, want: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(parseLabelSelector(c.sel).matches('labels' in c ? c.labels : L)).toBe(c.want);
    });
  }
});

describe('parseLabelSelector canonical string', () => {
  const cases: { name: string; sel: string; want: string }[] = [
    { name: 'sorted by key', sel: 'b=1,a=2', want: 'a=2,b=1' },
    { name: 'set values sorted', sel: 'x in (c,a,b)', want: 'x in (a,b,c)' },
    { name: 'duplicates collapse', sel: 'x in (a,a)', want: 'x in (a)' },
    { name: 'every operator', sel: 'a,!b,c==1,d!=2,e notin (x),f>1,g<2', want: 'a,!b,c==1,d!=2,e notin (x),f>1,g<2' },
    { name: 'whitespace dropped', sel: ' a = b , c ', want: 'a=b,c' },
    { name: 'empty set value', sel: 'x in (,a)', want: 'x in (,a)' },
    { name: 'double comma inside set', sel: 'x in (a,,b)', want: 'x in (,a,b)' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(parseLabelSelector(c.sel).toString()).toBe(c.want));
  }
});

describe('parseLabelSelector errors', () => {
  const cases: { name: string; sel: string; want: string }[] = [
    { name: 'missing open paren', sel: 'x in a', want: "unable to parse requirement: found 'a' expected: '('" },
    { name: 'unterminated set', sel: 'x in (a', want: "unable to parse requirement: found '', expected: ',' or ')'" },
    { name: 'bad operator', sel: 'x (a)', want: "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt" },
    { name: 'leading comma', sel: ',a', want: "found ',', expected: !, identifier, or 'end of string'" },
    { name: 'trailing comma', sel: 'a,', want: "found '', expected: identifier after ','" },
    { name: 'two values', sel: 'a=b c', want: "found 'c', expected: ',' or 'end of string'" },
    { name: 'negated with value', sel: '!a=b', want: "found '=', expected: ',' or 'end of string'" },
    { name: 'operator as value', sel: 'a==!', want: "unable to parse requirement: found '!', expected: identifier" },
    { name: 'v0.32 double comma before close', sel: 'x in (a,,)', want: "unable to parse requirement: found ')', expected: ',', or identifier" },
    {
      name: 'bad key',
      sel: 'a/b/c=d',
      want: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    },
    {
      name: 'bad value',
      sel: 'a=-x',
      want: `unable to parse requirement: values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    },
    {
      name: 'gt needs an integer',
      sel: 'a>b',
      want: `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`,
    },
    { name: 'key too long', sel: `${'k'.repeat(64)}`, want: `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters` },
  ];
  for (const c of cases) {
    it(c.name, () => {
      let err: unknown;
      try {
        parseLabelSelector(c.sel);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(400);
      expect((err as ApiError).reason).toBe('BadRequest');
      expect((err as ApiError).message).toBe(c.want);
    });
  }
});

describe('labelSelectorFromObject', () => {
  const cases: { name: string; sel: Parameters<typeof labelSelectorFromObject>[0]; labels: Record<string, string>; want: boolean; str: string }[] = [
    { name: 'undefined selects nothing', sel: undefined, labels: {}, want: false, str: '' },
    { name: 'null selects nothing', sel: null, labels: { a: 'b' }, want: false, str: '' },
    { name: 'empty selects everything', sel: {}, labels: { a: 'b' }, want: true, str: '' },
    { name: 'matchLabels', sel: { matchLabels: { b: '2', a: '1' } }, labels: { a: '1', b: '2' }, want: true, str: 'a=1,b=2' },
    { name: 'matchLabels mismatch', sel: { matchLabels: { a: '1' } }, labels: { a: '2' }, want: false, str: 'a=1' },
    {
      name: 'expressions',
      sel: {
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['y', 'x'] },
          { key: 'b', operator: 'NotIn', values: ['x'] },
          { key: 'c', operator: 'Exists' },
          { key: 'd', operator: 'DoesNotExist' },
        ],
      },
      labels: { a: 'x', c: '' },
      want: true,
      str: 'a in (x,y),b notin (x),c,!d',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = labelSelectorFromObject(c.sel);
      expect(s.matches(c.labels)).toBe(c.want);
      expect(s.toString()).toBe(c.str);
    });
  }

  const errors: { name: string; sel: Parameters<typeof labelSelectorFromObject>[0]; want: string }[] = [
    { name: 'unknown operator', sel: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, want: '"Gt" is not a valid label selector operator' },
    { name: 'in without values', sel: { matchExpressions: [{ key: 'a', operator: 'In' }] }, want: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty" },
    { name: 'exists with values', sel: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }, want: `values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist` },
    {
      name: 'two problems aggregate',
      sel: { matchExpressions: [{ key: '', operator: 'NotIn' }] },
      want: `[key: Invalid value: "": name part must be non-empty; name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty]`,
    },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => {
      expect(() => labelSelectorFromObject(c.sel)).toThrow(expect.objectContaining({ code: 400, message: c.want }));
    });
  }
});

describe('constants and sets', () => {
  const cases = [
    { name: 'everything', sel: everything, empty: true, match: true },
    { name: 'nothing', sel: nothing, empty: false, match: false },
    { name: 'empty set', sel: selectorFromSet({}), empty: true, match: true },
    { name: 'set', sel: selectorFromSet({ a: 'b' }), empty: false, match: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(c.sel.empty).toBe(c.empty);
      expect(c.sel.matches({ x: 'y' })).toBe(c.match);
    });
  }
});
