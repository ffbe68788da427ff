import { notFound, ApiError } from '@k8ts/api';
import type { Container, EnvFromSource, EnvVar } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { CreateContainerConfigError, makeEnvironment, type EnvContext, type EnvSources } from './env.ts';
import { makePod } from './testing.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** ConfigMaps and Secrets of namespace "default"; `broken` fails with a server error. */
class FakeSources implements EnvSources {
  calls: string[] = [];
  configMaps: Record<string, Record<string, string>> = {
    cfg: { LOG_LEVEL: 'debug', 'bad key': 'x', '1st': 'y', 'dotted.name': 'ok' },
  };
  secrets: Record<string, Record<string, Uint8Array>> = { creds: { password: bytes('s3cr3t'), user: bytes('admin') } };

  async configMap(namespace: string, name: string) {
    this.calls.push(`configmap ${namespace}/${name}`);
    if (name === 'broken') throw new ApiError(500, 'InternalError', 'etcd is down');
    if (name === 'gone') throw notFound({ resource: 'configmaps' }, name);
    const data = namespace === 'default' ? this.configMaps[name] : undefined;
    return data && { data };
  }

  async secret(namespace: string, name: string) {
    this.calls.push(`secret ${namespace}/${name}`);
    const data = namespace === 'default' ? this.secrets[name] : undefined;
    return data && { data };
  }
}

const pod = makePod(
  { nodeName: 'node-1', serviceAccountName: 'builder' },
  { labels: { app: 'web', tier: 'front' }, annotations: { note: 'hi "there"' } },
);

function context(sources = new FakeSources()): EnvContext {
  return {
    podIP: '10.244.1.5',
    podIPs: ['10.244.1.5', 'fd00::5'],
    hostIP: '192.0.2.10',
    hostIPs: ['192.0.2.10'],
    nodeName: 'node-1',
    serviceAccountName: 'builder',
    sources,
    allocatable: { cpu: '2', memory: '4Gi' },
  };
}

const container = (env: EnvVar[], envFrom: EnvFromSource[] = [], extra: Partial<Container> = {}): Container => ({
  name: 'app',
  image: 'busybox',
  env,
  envFrom,
  ...extra,
});

const field = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });

describe('makeEnvironment', () => {
  const cases: { name: string; c: Container; want: Record<string, string> }[] = [
    { name: 'literal values', c: container([{ name: 'A', value: '1' }, { name: 'B', value: '' }]), want: { A: '1', B: '' } },
    {
      name: 'references to earlier variables expand, later ones do not',
      c: container([
        { name: 'A', value: 'x$(B)' },
        { name: 'B', value: 'b' },
        { name: 'C', value: '$(B)-$(A)-$$(B)' },
      ]),
      want: { A: 'x$(B)', B: 'b', C: 'b-x$(B)-$(B)' },
    },
    {
      name: 'envFrom values are visible to env and overridden by it',
      c: container([{ name: 'LOG_LEVEL', value: 'info-$(LOG_LEVEL)' }], [{ configMapRef: { name: 'cfg' } }]),
      want: { LOG_LEVEL: 'info-debug', 'dotted.name': 'ok' },
    },
    {
      name: 'envFrom prefix',
      c: container([], [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' } }]),
      want: { CFG_LOG_LEVEL: 'debug', CFG_1st: 'y', 'CFG_dotted.name': 'ok', password: 's3cr3t', user: 'admin' },
    },
    {
      name: 'optional missing envFrom sources are skipped',
      c: container([], [{ configMapRef: { name: 'nope', optional: true } }, { secretRef: { name: 'nope', optional: true } }]),
      want: {},
    },
    {
      name: 'downward API fields',
      c: container([
        field('NAME', 'metadata.name'),
        field('NS', 'metadata.namespace'),
        field('UID', 'metadata.uid'),
        field('APP', "metadata.labels['app']"),
        field('MISSING_LABEL', "metadata.labels['nope']"),
        field('NOTE', "metadata.annotations['note']"),
        field('LABELS', 'metadata.labels'),
        field('NODE', 'spec.nodeName'),
        field('SA', 'spec.serviceAccountName'),
        field('POD_IP', 'status.podIP'),
        field('POD_IPS', 'status.podIPs'),
        field('HOST_IP', 'status.hostIP'),
        field('HOST_IPS', 'status.hostIPs'),
      ]),
      want: {
        NAME: 'web',
        NS: 'default',
        UID: 'uid-1',
        APP: 'web',
        MISSING_LABEL: '',
        NOTE: 'hi "there"',
        LABELS: 'app="web"\ntier="front"',
        NODE: 'node-1',
        SA: 'builder',
        POD_IP: '10.244.1.5',
        POD_IPS: '10.244.1.5,fd00::5',
        HOST_IP: '192.0.2.10',
        HOST_IPS: '192.0.2.10',
      },
    },
    {
      name: 'resourceFieldRef with divisors, limits defaulting to allocatable',
      c: container(
        [
          { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
          { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
          { name: 'MEM_LIM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'MEM_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
          { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
          { name: 'MEM_REQ_K', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1k' } } },
          // A named container is read from the pod's spec, where "app" requests nothing.
          { name: 'NAMED', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'requests.memory' } } },
        ],
        [],
        { resources: { requests: { cpu: '250m', memory: '1500' }, limits: { memory: '128Mi' } } },
      ),
      want: { CPU_REQ_M: '250', CPU_REQ: '1', MEM_LIM_MI: '128', MEM_LIM: '134217728', CPU_LIM: '2', MEM_REQ_K: '2', NAMED: '0' },
    },
    {
      name: 'configMapKeyRef and secretKeyRef, optional misses leave the variable out',
      c: container([
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LOG_LEVEL' } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'NO_KEY', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
        { name: 'NO_CM', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
        { name: 'NO_SECRET', valueFrom: { secretKeyRef: { name: 'gone-secret', key: 'k', optional: true } } },
        { name: 'GONE', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } },
      ]),
      want: { LEVEL: 'debug', PASS: 's3cr3t' },
    },
  ];

  it.each(cases)('$name', async ({ c, want }) => {
    const { env } = await makeEnvironment(pod, c, context());
    expect(Object.fromEntries(env)).toEqual(want);
  });

  const failures: { name: string; c: Container; message: string }[] = [
    { name: 'missing configmap', c: container([], [{ configMapRef: { name: 'nope' } }]), message: 'configmap "nope" not found' },
    { name: 'missing secret', c: container([], [{ secretRef: { name: 'nope' } }]), message: 'secret "nope" not found' },
    {
      name: 'missing configmap for a key',
      c: container([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }]),
      message: 'configmap "gone" not found',
    },
    {
      name: 'missing configmap key',
      c: container([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }]),
      message: "couldn't find key nope in ConfigMap default/cfg",
    },
    {
      name: 'missing secret key',
      c: container([{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }]),
      message: "couldn't find key nope in Secret default/creds",
    },
    { name: 'server error', c: container([], [{ configMapRef: { name: 'broken', optional: true } }]), message: 'etcd is down' },
    { name: 'unsupported field', c: container([field('X', 'spec.restartPolicy')]), message: 'unsupported fieldPath: spec.restartPolicy' },
    {
      name: 'unsupported subscript',
      c: container([field('X', "metadata.name['x']")]),
      message: 'fieldPath "metadata.name[\'x\']" does not support subscript',
    },
    {
      name: 'unknown container in resourceFieldRef',
      c: container([{ name: 'X', valueFrom: { resourceFieldRef: { containerName: 'nope', resource: 'limits.cpu' } } }]),
      message: 'container nope not found',
    },
  ];

  it.each(failures)('fails: $name', async ({ c, message }) => {
    const err = await makeEnvironment(pod, c, context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CreateContainerConfigError);
    expect((err as CreateContainerConfigError).message).toBe(message);
    expect((err as CreateContainerConfigError).reason).toBe('CreateContainerConfigError');
  });

  it('warns about invalid envFrom keys, sorted, and fetches each object once', async () => {
    const sources = new FakeSources();
    const c = container(
      [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LOG_LEVEL' } } }],
      [{ configMapRef: { name: 'cfg' } }],
    );
    const { warnings } = await makeEnvironment(pod, c, context(sources));
    expect(warnings).toEqual([
      'Keys [1st, bad key] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.',
    ]);
    expect(sources.calls).toEqual(['configmap default/cfg']);
  });
});
