import { describe, expect, it } from 'vitest';
import { decodeProtobuf } from './decode.ts';
import { envelope, ld, num, tag, varint } from './testing.ts';

const meta = (...fields: Buffer[]) => ld(1, ...fields);
const name = (n: string) => ld(1, n);
const timestamp = (number: number, seconds: number, nanos = 0) => ld(number, num(1, seconds), ...(nanos ? [num(2, nanos)] : []));
const entry = (number: number, key: string, value?: Buffer) => ld(number, ld(1, key), ...(value ? [value] : []));

// Field numbers below are upstream's (k8s.io/api generated.proto); the expected JSON is what
// encoding/json writes for the Go value those bytes unmarshal into.
const CASES: { name: string; body: Buffer; want: Record<string, unknown> }[] = [
  {
    name: 'zero value behind a pointer is kept, zero omitempty scalars are dropped',
    body: envelope('scheduling.k8s.io/v1', 'PriorityClass', meta(name('pc')), num(2, 0), num(3, false), ld(4, ''), ld(5, '')),
    want: { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', metadata: { name: 'pc', creationTimestamp: null }, value: 0, preemptionPolicy: '' },
  },
  {
    name: 'negative int32 in ten bytes',
    body: envelope('scheduling.k8s.io/v1', 'PriorityClass', meta(name('pc')), num(2, -5)),
    want: { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', metadata: { name: 'pc', creationTimestamp: null }, value: -5 },
  },
  {
    name: 'Time keeps whole seconds in RFC 3339; a pointer to a zero Time is null',
    body: envelope('v1', 'ConfigMap', meta(name('c'), timestamp(8, 1704164645, 999), ld(9))),
    want: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', creationTimestamp: '2024-01-02T03:04:05Z', deletionTimestamp: null } },
  },
  {
    name: 'a message sent in two pieces is merged; unknown fields are skipped',
    body: envelope('v1', 'ConfigMap', meta(name('c')), ld(99, 'junk'), num(98, 7), meta(ld(3, 'ns')), entry(2, 'a', ld(2, 'b')), entry(2, 'k')),
    want: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'ns', creationTimestamp: null }, data: { a: 'b', k: '' } },
  },
  {
    name: 'bytes map values are base64; a false pointer bool is kept',
    body: envelope('v1', 'ConfigMap', meta(name('c')), entry(3, 'bin', ld(2, Buffer.from([0, 255]))), num(4, false)),
    want: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', creationTimestamp: null }, binaryData: { bin: 'AP8=' }, immutable: false },
  },
  {
    name: 'absent non-pointer structs and non-omitempty fields take their Go zero values',
    body: envelope('v1', 'Event', meta(name('e'))),
    want: {
      kind: 'Event', apiVersion: 'v1', metadata: { name: 'e', creationTimestamp: null }, involvedObject: {}, source: {},
      firstTimestamp: null, lastTimestamp: null, eventTime: null, reportingComponent: '', reportingInstance: '',
    },
  },
  {
    name: 'MicroTime keeps microseconds',
    body: envelope('v1', 'Event', meta(name('e')), timestamp(10, 1704164645, 123456789), ld(14, 'me')),
    want: {
      kind: 'Event', apiVersion: 'v1', metadata: { name: 'e', creationTimestamp: null }, involvedObject: {}, source: {},
      firstTimestamp: null, lastTimestamp: null, eventTime: '2024-01-02T03:04:05.123456Z', reportingComponent: 'me', reportingInstance: '',
    },
  },
  {
    name: 'an absent non-omitempty slice is null; inline structs join their parent; quantities and string IntOrString',
    body: envelope(
      'v1', 'Pod', meta(name('p')),
      ld(2, ld(2, name('c'), ld(19, ld(2, ld(1, name('cm')), num(2, true))), ld(8, entry(1, 'cpu', ld(2, ld(1, '500m')))))),
    ),
    want: {
      kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', creationTimestamp: null }, status: {},
      spec: { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cm', optional: true } }], resources: { limits: { cpu: '500m' } } }] },
    },
  },
  {
    name: 'empty PodSpec: containers is null, as Go writes a nil slice without omitempty',
    body: envelope('v1', 'Pod', meta(name('p')), ld(2)),
    want: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', creationTimestamp: null }, spec: { containers: null }, status: {} },
  },
  {
    name: 'IntOrString: string and int forms, zero int kept as a struct',
    body: envelope('v1', 'Service', meta(name('s')), ld(2, ld(1, num(3, 80), ld(4, num(1, 1), ld(3, 'http'))), ld(1, num(3, 81)))),
    want: {
      kind: 'Service', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, status: { loadBalancer: {} },
      spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 0 }] },
    },
  },
  {
    name: 'repeated numbers, packed and not',
    body: envelope('v1', 'PodPortForwardOptions', ld(1, Buffer.concat([varint(80), varint(443)])), num(1, 8080)),
    want: { kind: 'PodPortForwardOptions', apiVersion: 'v1', ports: [80, 443, 8080] },
  },
  {
    name: 'FieldsV1 carries JSON; DeleteOptions in a group version',
    body: envelope('apps/v1', 'DeleteOptions', num(1, 0), ld(4, 'Foreground'), ld(5, 'All')),
    want: { kind: 'DeleteOptions', apiVersion: 'apps/v1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] },
  },
  {
    name: 'managedFields with FieldsV1',
    body: envelope('v1', 'ConfigMap', meta(name('c'), ld(17, ld(1, 'kubectl'), ld(6, 'FieldsV1'), ld(7, ld(1, '{"f:data":{}}'))))),
    want: {
      kind: 'ConfigMap', apiVersion: 'v1',
      metadata: { name: 'c', creationTimestamp: null, managedFields: [{ manager: 'kubectl', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] },
    },
  },
  {
    name: 'Eviction with nested DeleteOptions',
    body: envelope('policy/v1', 'Eviction', meta(name('p'), ld(3, 'default')), ld(2, num(1, 30))),
    want: { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'p', namespace: 'default', creationTimestamp: null }, deleteOptions: { gracePeriodSeconds: 30 } },
  },
  {
    name: 'a "__proto__" map key stays a plain key',
    body: envelope('v1', 'ConfigMap', meta(name('c')), entry(2, '__proto__', ld(2, 'x'))),
    want: JSON.parse('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","creationTimestamp":null},"data":{"__proto__":"x"}}'),
  },
];

describe('decodeProtobuf: Go JSON rules', () => {
  it.each(CASES)('$name', ({ body, want }) => {
    expect(decodeProtobuf(body)).toEqual(want);
  });

  it('keeps a tag of a field unknown to this server out of the result', () => {
    const body = envelope('v1', 'Namespace', meta(name('x')), Buffer.concat([tag(50, 5), Buffer.alloc(4)]), Buffer.concat([tag(51, 1), Buffer.alloc(8)]));
    expect(decodeProtobuf(body)).toEqual({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, spec: {}, status: {} });
  });
});
