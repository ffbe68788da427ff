import { describe, expect, it } from 'vitest';
import { fromFieldsV1, joinPath, pathString, toFieldsV1 } from './fieldset.ts';

describe('field paths', () => {
  const cases = [
    { name: 'fields', path: ['f:spec', 'f:replicas'], want: '.spec.replicas' },
    { name: 'keyed item', path: ['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'], want: '.spec.containers[name="nginx"].image' },
    { name: 'compound key', path: ['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'], want: '.ports[containerPort=80,protocol="TCP"]' },
    { name: 'set member', path: ['f:metadata', 'f:finalizers', 'v:"a"'], want: '.metadata.finalizers[="a"]' },
  ];
  it.each(cases)('prints $name', ({ path, want }) => expect(pathString(joinPath(path))).toBe(want));

  it('round-trips FieldsV1 with "." only on members that have children', () => {
    const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } } } };
    expect(toFieldsV1(fromFieldsV1(v1))).toEqual(v1);
    expect([...fromFieldsV1(v1)]).toHaveLength(4);
  });
});
