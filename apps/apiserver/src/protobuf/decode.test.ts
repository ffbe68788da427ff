import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@k8ts/api';
import { decodeProtobuf } from './decode.ts';
import { envelope, ld, num, tag } from './testing.ts';

const fixture = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');

// Each body is what kubectl 1.32 sent for the command; each JSON is what the same command prints
// with `--dry-run=client -o json`, i.e. kubectl's own JSON of the same Go object.
const GOLDEN = [
  { name: 'deployment', command: 'create deployment web --image=nginx:1.27 --replicas=3 --port=80' },
  { name: 'configmap', command: 'create configmap c --from-literal=a=b' },
  { name: 'secret', command: 'create secret generic s --from-literal=k=v' },
  { name: 'service-nodeport', command: 'create service nodeport n --tcp=80:8080' },
  { name: 'job', command: 'create job j --image=busybox -- echo hi' },
  { name: 'cronjob', command: "create cronjob cj --image=busybox --schedule='*/1 * * * *'" },
  { name: 'namespace', command: 'create namespace x' },
  { name: 'serviceaccount', command: 'create serviceaccount sa' },
  { name: 'pdb', command: 'create pdb p --selector=app=a --min-available=1' },
  { name: 'priorityclass', command: 'create priorityclass pc --value=1000' },
  { name: 'deploy-multi', command: 'create deployment multi --image=nginx --image=busybox --replicas=0' },
  { name: 'cm-binary', command: 'create configmap cb --from-file=bin.dat --from-literal=t=u (bin.dat: 64 random bytes)' },
  { name: 'secret-docker', command: 'create secret docker-registry d --docker-server=r.example --docker-username=u --docker-password=p' },
  { name: 'svc-lb', command: 'create service loadbalancer lb --tcp=5678:8080 --tcp=443:https' },
  { name: 'pdb-max', command: 'create pdb pm --selector=app=a --max-unavailable=20%' },
  { name: 'pc-preempt', command: 'create priorityclass pp --value=5 --global-default=true --description=hi --preemption-policy=Never' },
];

describe('decodeProtobuf: bodies kubectl sent', () => {
  it.each(GOLDEN)('$name ($command)', ({ name }) => {
    const body = Buffer.from(fixture(`${name}.b64`).trim(), 'base64');
    expect(decodeProtobuf(body)).toEqual(JSON.parse(fixture(`${name}.json`)));
  });
});

const MAGIC = Buffer.from('k8s\0', 'latin1');
const unknown = (...fields: Buffer[]) => Buffer.concat([MAGIC, ...fields]);
const typeMeta = (apiVersion: string, kind: string) => ld(1, ld(1, apiVersion), ld(2, kind));

const MALFORMED: { name: string; body: Buffer; message: string }[] = [
  { name: 'empty', body: Buffer.alloc(0), message: 'empty data' },
  { name: 'JSON instead', body: Buffer.from('{"kind":"Pod"}'), message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' },
  { name: 'magic only', body: MAGIC, message: 'empty body' },
  { name: 'truncated varint', body: unknown(Buffer.from([0x0a, 0x80])), message: 'the object provided is unrecognized: unexpected EOF' },
  { name: 'length past the end', body: unknown(Buffer.from([0x0a, 0x7f, 0x00])), message: 'the object provided is unrecognized: unexpected EOF' },
  { name: 'group wire type', body: unknown(tag(1, 3)), message: 'the object provided is unrecognized: illegal wire type 3 for field 1' },
  { name: 'field number 0', body: unknown(Buffer.from([0x02, 0x00])), message: 'the object provided is unrecognized: illegal tag 0 (wire type 2)' },
  { name: 'varint of eleven bytes', body: unknown(Buffer.from([0x08, ...Array(10).fill(0xff), 0x01])), message: 'the object provided is unrecognized: integer overflow' },
  { name: 'no kind', body: unknown(ld(1, ld(1, 'v1'))), message: `Object 'Kind' is missing in '{apiVersion: "v1", kind: ""}'` },
  { name: 'no apiVersion', body: unknown(ld(1, ld(2, 'Pod'))), message: `Object 'apiVersion' is missing in '{apiVersion: "", kind: "Pod"}'` },
  { name: 'unknown kind', body: envelope('v1', 'Foo'), message: 'no kind "Foo" is registered for version "v1"' },
  { name: 'kind in another version', body: envelope('apps/v1beta1', 'Deployment'), message: 'no kind "Deployment" is registered for version "apps/v1beta1"' },
  {
    name: 'string field sent as a varint',
    body: envelope('v1', 'ConfigMap', ld(1, num(1, 3))),
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: wrong wireType = 0 for field name',
  },
  {
    name: 'message field sent as a varint',
    body: envelope('v1', 'ConfigMap', num(1, 3)),
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: wrong wireType = 0 for field metadata',
  },
  {
    name: 'truncated object',
    body: unknown(typeMeta('v1', 'ConfigMap'), ld(2, Buffer.from([0x0a, 0x05, 0x0a]))),
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF',
  },
  {
    name: 'unparsable quantity',
    body: envelope('v1', 'Pod', ld(2, ld(2, ld(1, 'c'), ld(8, ld(1, ld(1, 'cpu'), ld(2, ld(1, 'lots'))))))),
    message: "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  },
  {
    name: 'IntOrString of an unknown type',
    body: envelope('v1', 'Service', ld(2, ld(1, num(3, 80), ld(4, num(1, 2))))),
    message: 'Service in version "v1" cannot be handled as a Service: impossible IntOrString.Type',
  },
  {
    name: 'Time past year 9999',
    body: envelope('v1', 'ConfigMap', ld(1, ld(8, num(1, 253402300800)))),
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: Time.MarshalJSON: year outside of range [0,9999]',
  },
  {
    name: 'FieldsV1 that is not JSON',
    body: envelope('v1', 'ConfigMap', ld(1, ld(17, ld(7, ld(1, '{'))))),
    message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: FieldsV1 does not hold JSON',
  },
];

describe('decodeProtobuf: malformed bodies are 400 BadRequest', () => {
  it.each(MALFORMED)('$name', ({ body, message }) => {
    let thrown: unknown;
    try {
      decodeProtobuf(body);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it('throws nothing but a 400 for any single-byte change of a real body', () => {
    for (const { name } of GOLDEN) {
      const body = Buffer.from(fixture(`${name}.b64`).trim(), 'base64');
      for (let at = 0; at < body.length; at++) {
        for (const b of [0x00, 0x02, 0x07, 0x80, 0xff]) {
          const changed = Buffer.from(body);
          changed[at] = b;
          try {
            decodeProtobuf(changed);
          } catch (e) {
            expect(e).toMatchObject({ code: 400, reason: 'BadRequest' });
          }
        }
      }
    }
  });

  it('throws nothing but a 400 for any truncation of a real body', () => {
    const body = Buffer.from(fixture('deployment.b64').trim(), 'base64');
    for (let n = 0; n < body.length; n++) {
      try {
        decodeProtobuf(body.subarray(0, n));
      } catch (e) {
        expect(e).toMatchObject({ code: 400, reason: 'BadRequest' });
      }
    }
  });
});
