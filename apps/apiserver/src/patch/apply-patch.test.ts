import { describe, expect, it } from 'vitest';
import { applyPatch, patchTypeOf } from './apply-patch.ts';

describe('patchTypeOf', () => {
  const cases = [
    { name: 'json patch', contentType: 'application/json-patch+json', want: 'json' },
    { name: 'merge patch with charset', contentType: 'application/merge-patch+json; charset=utf-8', want: 'merge' },
    { name: 'strategic', contentType: 'application/strategic-merge-patch+json', want: 'strategic' },
    { name: 'apply', contentType: 'application/apply-patch+yaml', want: 'apply' },
    { name: 'plain json is not a patch', contentType: 'application/json', want: undefined },
    { name: 'missing', contentType: undefined, want: undefined },
  ];
  it.each(cases)('$name', ({ contentType, want }) => expect(patchTypeOf(contentType)).toBe(want));
});

describe('json and merge patch', () => {
  const original = { metadata: { name: 'x', labels: { a: '1' } }, spec: { replicas: 1 } };
  const cases: { name: string; type: 'json' | 'merge'; patch: unknown; want: object }[] = [
    { name: 'json replace', type: 'json', patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }], want: { ...original, spec: { replicas: 3 } } },
    { name: 'json test then add', type: 'json', patch: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'add', path: '/metadata/labels/b', value: '2' }], want: { ...original, metadata: { name: 'x', labels: { a: '1', b: '2' } } } },
    { name: 'json remove', type: 'json', patch: [{ op: 'remove', path: '/metadata/labels' }], want: { ...original, metadata: { name: 'x' } } },
    { name: 'merge null deletes', type: 'merge', patch: { metadata: { labels: { a: null, b: '2' } } }, want: { ...original, metadata: { name: 'x', labels: { b: '2' } } } },
    { name: 'merge replaces lists', type: 'merge', patch: { spec: { list: [1] } }, want: { ...original, spec: { replicas: 1, list: [1] } } },
  ];
  it.each(cases)('$name', ({ type, patch, want }) => {
    const before = structuredClone(original);
    expect(applyPatch(type, original, patch, 'Deployment')).toEqual(want);
    expect(original).toEqual(before);
  });

  const errors: { name: string; type: 'json' | 'merge'; patch: unknown; code: number; reason: string; message: string }[] = [
    { name: 'json patch not a list', type: 'json', patch: { op: 'add' }, code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'json op not an object', type: 'json', patch: [1], code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal number into Go value of type jsonpatch.Operation' },
    { name: 'failing test op', type: 'json', patch: [{ op: 'test', path: '/spec/replicas', value: 2 }], code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
    { name: 'missing path', type: 'json', patch: [{ op: 'replace', path: '/nope/x', value: 1 }], code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
    { name: 'unknown op', type: 'json', patch: [{ op: 'bogus', path: '/a' }], code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
    { name: 'json replacing the root by a scalar', type: 'json', patch: [{ op: 'replace', path: '', value: 1 }], code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal number into Go value of type map[string]interface {}' },
    { name: 'merge patch not an object', type: 'merge', patch: 'x', code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal string into Go value of type map[string]interface {}' },
  ];
  it.each(errors)('rejects $name', ({ type, patch, code, reason, message }) => {
    let err: unknown;
    try {
      applyPatch(type, original, patch, 'Deployment');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code, reason, message });
  });
});
