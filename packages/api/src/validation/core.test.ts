import { describe, expect, it } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from './index.ts';
import { lines } from './testutil.ts';

const meta = (name: string) => ({ name, namespace: 'default' });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('create of the smaller kinds', () => {
  it.each([
    { name: 'configmap ok', kind: 'ConfigMap', obj: { metadata: meta('c'), data: { 'app.conf': 'x', KEY_1: 'y' } }, want: [] },
    { name: 'configmap key', kind: 'ConfigMap', obj: { metadata: meta('c'), data: { 'a b': 'x' } }, want: ["data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"] },
    { name: 'configmap duplicate key', kind: 'ConfigMap', obj: { metadata: meta('c'), data: { a: 'x' }, binaryData: { a: b64('x') } }, want: ['data[a]: Invalid value: "a": duplicate of key present in binaryData'] },
    { name: 'configmap too big', kind: 'ConfigMap', obj: { metadata: meta('c'), data: { a: 'x'.repeat(1024 * 1024 + 1) } }, want: ['Too long: may not be more than 1048576 bytes'] },
    { name: 'secret ok', kind: 'Secret', obj: { metadata: meta('s'), type: 'Opaque', data: { p: b64('x') } }, want: [] },
    { name: 'tls secret keys', kind: 'Secret', obj: { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }, want: ['data[tls.key]: Required value'] },
    { name: 'tls from stringData', kind: 'Secret', obj: { metadata: meta('s'), type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }, want: [] },
    { name: 'basic auth', kind: 'Secret', obj: { metadata: meta('s'), type: 'kubernetes.io/basic-auth', data: {} }, want: ['data[username]: Required value', 'data[password]: Required value'] },
    { name: 'namespace name is a label', kind: 'Namespace', obj: { metadata: { name: 'a.b' } }, want: ['metadata.name: Invalid value: "a.b": must not contain dots'] },
    { name: 'node ok', kind: 'Node', obj: { metadata: { name: 'node-1.example' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }, want: [] },
    { name: 'node taint effect', kind: 'Node', obj: { metadata: { name: 'n' }, spec: { taints: [{ key: 'k' }] } }, want: ['spec.taints[0].effect: Required value'] },
    { name: 'event namespace', kind: 'Event', obj: { metadata: meta('e.1'), involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }, want: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'] },
    { name: 'event involved object', kind: 'Event', obj: { metadata: meta('e.1') }, want: ['involvedObject: Required value'] },
    { name: 'serviceaccount', kind: 'ServiceAccount', obj: { metadata: meta('default') }, want: [] },
    { name: 'binding target', kind: 'Binding', obj: { metadata: meta('p'), target: { kind: 'Node' } }, want: ['target.name: Required value'] },
    { name: 'lease duration', kind: 'Lease', obj: { metadata: meta('l'), spec: { leaseDurationSeconds: 0 } }, want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'] },
    { name: 'pdb both set', kind: 'PodDisruptionBudget', obj: { metadata: meta('p'), spec: { minAvailable: 1, maxUnavailable: 1 } }, want: ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'] },
    { name: 'pdb percent', kind: 'PodDisruptionBudget', obj: { metadata: meta('p'), spec: { minAvailable: '50%', selector: { matchLabels: { app: 'a' } } } }, want: [] },
    { name: 'priority too high', kind: 'PriorityClass', obj: { metadata: { name: 'high' }, value: 2000000000 }, want: ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000'] },
    { name: 'priority reserved prefix', kind: 'PriorityClass', obj: { metadata: { name: 'system-mine' }, value: 1 }, want: ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"] },
    { name: 'unknown kind checks metadata', kind: 'Widget', obj: { metadata: {} }, want: ['metadata.name: Required value: name or generateName is required'] },
  ])('$name', (c) => {
    expect(lines(validateCreate(c.kind, c.obj))).toEqual(c.want);
  });
});

describe('update of the smaller kinds', () => {
  it.each([
    { name: 'configmap data change', kind: 'ConfigMap', old: { metadata: meta('c'), data: { a: '1' } }, now: { metadata: meta('c'), data: { a: '2' } }, want: [] },
    { name: 'immutable configmap', kind: 'ConfigMap', old: { metadata: meta('c'), immutable: true, data: { a: '1' } }, now: { metadata: meta('c'), immutable: true, data: { a: '2' } }, want: ['data: Forbidden: field is immutable when `immutable` is set'] },
    { name: 'secret type', kind: 'Secret', old: { metadata: meta('s'), type: 'Opaque' }, now: { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, want: ['type: Invalid value: "kubernetes.io/tls": field is immutable'] },
    { name: 'namespace rename', kind: 'Namespace', old: { metadata: { name: 'a' } }, now: { metadata: { name: 'b' } }, want: ['metadata.name: Invalid value: "b": field is immutable'] },
    { name: 'priority value', kind: 'PriorityClass', old: { metadata: { name: 'p' }, value: 1 }, now: { metadata: { name: 'p' }, value: 2 }, want: ['value: Invalid value: 2: field is immutable'] },
    { name: 'finalizer added while deleting', kind: 'ConfigMap', old: { metadata: { ...meta('c'), deletionTimestamp: 't' } }, now: { metadata: { ...meta('c'), deletionTimestamp: 't', finalizers: ['x/y'] } }, want: ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/y"}'] },
  ])('$name', (c) => {
    expect(lines(validateUpdate(c.kind, c.now, c.old))).toEqual(c.want);
  });

  it('checks the namespace phase on status writes', () => {
    const ns = { metadata: { name: 'a' } };
    expect(lines(validateStatusUpdate('Namespace', { ...ns, status: { phase: 'Gone' } }, ns))).toEqual([
      'status.phase: Unsupported value: "Gone": supported values: "Active", "Terminating"',
    ]);
  });
});
