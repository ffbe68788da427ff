import { describe, expect, it } from 'vitest';
import { applyPatch } from './apply-patch.ts';

const pod = (containers: object[], extra: object = {}) => ({ metadata: { name: 'p' }, spec: { containers, ...extra } });

describe('strategic merge patch', () => {
  const cases: { name: string; kind?: string; original: object; patch: object; want: object }[] = [
    {
      name: 'maps merge and null deletes',
      original: { metadata: { name: 'p', labels: { a: '1', b: '2' } } },
      patch: { metadata: { labels: { b: null, c: '3' }, annotations: { x: 'y' } } },
      want: { metadata: { name: 'p', labels: { a: '1', c: '3' }, annotations: { x: 'y' } } },
    },
    {
      name: 'null for an absent key is ignored',
      original: { metadata: { name: 'p' } },
      patch: { metadata: { labels: null } },
      want: { metadata: { name: 'p' } },
    },
    {
      name: 'containers merge by name, new ones first',
      original: pod([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]),
      patch: { spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }] } },
      want: pod([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }]),
    },
    {
      name: 'ports by containerPort, env by name, volumeMounts by mountPath',
      original: pod([{ name: 'a', ports: [{ containerPort: 80 }], env: [{ name: 'X', value: '1' }], volumeMounts: [{ name: 'v', mountPath: '/d' }] }]),
      patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'Y', value: '2' }], volumeMounts: [{ mountPath: '/d', readOnly: true }] }] } },
      want: pod([{ name: 'a', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'Y', value: '2' }, { name: 'X', value: '1' }], volumeMounts: [{ name: 'v', mountPath: '/d', readOnly: true }] }]),
    },
    {
      name: 'pod template inside a Deployment reuses the pod paths',
      kind: 'Deployment',
      original: { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } },
      patch: { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } },
      want: { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }, { name: 'b', image: 'b:1' }] } } } },
    },
    {
      name: 'scalar lists are replaced',
      original: pod([{ name: 'a', args: ['x', 'y'] }]),
      patch: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
      want: pod([{ name: 'a', args: ['z'] }]),
    },
    {
      name: 'lists without a merge key are replaced (tolerations)',
      original: pod([], { tolerations: [{ key: 'a' }] }),
      patch: { spec: { tolerations: [{ key: 'b' }] } },
      want: pod([], { tolerations: [{ key: 'b' }] }),
    },
    {
      name: 'finalizers merge as a set',
      original: { metadata: { finalizers: ['a', 'b'] } },
      patch: { metadata: { finalizers: ['c', 'a'] } },
      want: { metadata: { finalizers: ['c', 'a', 'b'] } },
    },
    {
      name: '$patch: delete removes a list item by merge key',
      original: pod([{ name: 'a' }, { name: 'b' }]),
      patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
      want: pod([{ name: 'b' }]),
    },
    {
      name: '$patch: replace in a list replaces it',
      original: pod([{ name: 'a', image: 'x' }, { name: 'b' }]),
      patch: { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } },
      want: pod([{ name: 'c' }]),
    },
    {
      name: '$patch: replace in a map replaces the map',
      original: { metadata: { labels: { a: '1' } } },
      patch: { metadata: { labels: { b: '2', $patch: 'replace' } } },
      want: { metadata: { labels: { b: '2' } } },
    },
    {
      name: '$patch: delete in a map empties it',
      original: { metadata: { labels: { a: '1' } } },
      patch: { metadata: { labels: { $patch: 'delete' } } },
      want: { metadata: { labels: {} } },
    },
    {
      name: '$retainKeys drops keys not listed',
      kind: 'Deployment',
      original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      want: { spec: { strategy: { type: 'Recreate' } } },
    },
    {
      name: '$deleteFromPrimitiveList removes scalars',
      original: { metadata: { finalizers: ['a', 'b', 'c'] } },
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      want: { metadata: { finalizers: ['a', 'c'] } },
    },
    {
      name: '$setElementOrder orders merged items (what kubectl apply sends)',
      original: pod([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]),
      patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'a:2' }] } },
      want: pod([{ name: 'b', image: 'b:1' }, { name: 'a', image: 'a:2' }]),
    },
    {
      name: '$setElementOrder with a deletion',
      original: pod([{ name: 'a' }, { name: 'b' }]),
      patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }], containers: [{ name: 'a', $patch: 'delete' }] } },
      want: pod([{ name: 'b' }]),
    },
    {
      name: 'directives inside a new field are interpreted, not stored',
      original: { spec: {} },
      patch: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }], '$setElementOrder/containers': [{ name: 'a' }] } },
      want: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } },
    },
    {
      name: 'kubectl apply second run: last-applied annotation plus changed field',
      kind: 'Deployment',
      original: { metadata: { name: 'd', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":1}' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } } },
      patch: { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":1}' } }, spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'nginx', image: 'nginx:2' }] } } } },
      want: { metadata: { name: 'd', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":1}' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } },
    },
  ];
  it.each(cases)('$name', ({ kind, original, patch, want }) => {
    const before = structuredClone(original);
    expect(applyPatch('strategic', original, patch, kind ?? 'Pod')).toEqual(want);
    expect(original).toEqual(before);
  });

  const errors: { name: string; patch: unknown; code: number; message: string }[] = [
    { name: 'not an object', patch: [1], code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
    { name: 'unknown directive', patch: { metadata: { $patch: 'bogus' } }, code: 400, message: 'unknown patch type: "bogus" in map: {"$patch":"bogus"}' },
    { name: 'item without merge key', patch: { spec: { containers: [{ image: 'x' }] } }, code: 400, message: 'map: {"image":"x"} does not contain declared merge key: name' },
    { name: '$patch: merge in a list', patch: { spec: { containers: [{ $patch: 'merge' }] } }, code: 400, message: 'merging lists cannot yet be specified in the patch' },
    { name: 'bad $retainKeys', patch: { spec: { $retainKeys: 'x' } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: 'key outside $retainKeys', patch: { spec: { $retainKeys: ['a'], b: 1 } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: 'bad $deleteFromPrimitiveList', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, code: 400, message: 'invalid patch format of primitive list' },
    { name: 'bad $setElementOrder', patch: { spec: { '$setElementOrder/containers': 'a' } }, code: 400, message: 'invalid patch format of setElementOrder list' },
    { name: 'lists of lists', patch: { metadata: { finalizers: [['a']] } }, code: 422, message: 'the server rejected our request due to an error in our request' },
  ];
  it.each(errors)('rejects $name', ({ patch, code, message }) => {
    const original = { metadata: { finalizers: ['x'] }, spec: { containers: [{ name: 'a' }] } };
    let err: unknown;
    try {
      applyPatch('strategic', original, patch, 'Pod');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code, message });
  });
});
