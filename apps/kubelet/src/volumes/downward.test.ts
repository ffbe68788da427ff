import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { downwardPayload, formatMap, goQuote, podFieldValue, resourceFieldValue } from './downward.ts';

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'prod',
    uid: '1234-abcd',
    labels: { tier: 'front', app: 'web' },
    annotations: { 'note/x': 'say "hi"\nbye', empty: '' },
  },
  spec: {
    initContainers: [{ name: 'init', resources: { limits: { cpu: '100m' } } }],
    containers: [
      { name: 'app', resources: { limits: { cpu: '1500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } } },
      { name: 'bare' },
    ],
  },
};

describe('goQuote', () => {
  it.each([
    { name: 'plain', in: 'abc', out: '"abc"' },
    { name: 'quotes and backslash', in: 'a"b\\c', out: '"a\\"b\\\\c"' },
    { name: 'control characters', in: '\n\t\x01\x7f', out: '"\\n\\t\\x01\\x7f"' },
    { name: 'printable unicode kept', in: 'héllo ✓', out: '"héllo ✓"' },
    { name: 'non-printable unicode escaped', in: '\u00a0\u200b', out: '"\\u00a0\\u200b"' },
  ])('$name', ({ in: s, out }) => expect(goQuote(s)).toBe(out));
});

describe('podFieldValue', () => {
  it.each([
    { name: 'name', path: 'metadata.name', want: 'web' },
    { name: 'namespace', path: 'metadata.namespace', want: 'prod' },
    { name: 'uid', path: 'metadata.uid', want: '1234-abcd' },
    { name: 'labels sorted as key="value" lines', path: 'metadata.labels', want: 'app="web"\ntier="front"' },
    { name: 'annotations quoted', path: 'metadata.annotations', want: 'empty=""\nnote/x="say \\"hi\\"\\nbye"' },
    { name: 'one label', path: "metadata.labels['tier']", want: 'front' },
    { name: 'one missing annotation', path: "metadata.annotations['nope']", want: '' },
  ])('$name', ({ path, want }) => expect(podFieldValue(pod, { fieldPath: path })).toBe(want));

  it.each([
    { name: 'spec fields are env-only', path: 'spec.nodeName', error: 'unsupported fieldPath: spec.nodeName' },
    { name: 'subscript on a scalar', path: "metadata.name['x']", error: `fieldPath "metadata.name['x']" does not support subscript` },
  ])('$name', ({ path, error }) => expect(() => podFieldValue(pod, { fieldPath: path })).toThrow(error));

  it('labels of a pod without labels are empty', () => {
    expect(formatMap(undefined)).toBe('');
  });
});

describe('resourceFieldValue', () => {
  const allocatable = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
  it.each([
    { name: 'cpu limit in cores, rounded up', container: 'app', resource: 'limits.cpu', divisor: undefined, want: '2' },
    { name: 'cpu limit in millicores', container: 'app', resource: 'limits.cpu', divisor: '1m', want: '1500' },
    { name: 'memory limit in bytes', container: 'app', resource: 'limits.memory', divisor: undefined, want: String(64 * 1024 * 1024) },
    { name: 'memory limit in Mi', container: 'app', resource: 'limits.memory', divisor: '1Mi', want: '64' },
    { name: 'cpu request', container: 'app', resource: 'requests.cpu', divisor: '1m', want: '250' },
    { name: 'unset limit reads node allocatable', container: 'bare', resource: 'limits.memory', divisor: '1Gi', want: '8' },
    { name: 'unset cpu limit reads node allocatable', container: 'bare', resource: 'limits.cpu', divisor: undefined, want: '4' },
    { name: 'unset request is zero', container: 'bare', resource: 'requests.memory', divisor: undefined, want: '0' },
    { name: 'init containers are found too', container: 'init', resource: 'limits.cpu', divisor: '1m', want: '100' },
    { name: 'zero divisor counts as 1', container: 'app', resource: 'limits.cpu', divisor: '0', want: '2' },
  ])('$name', ({ container, resource, divisor, want }) => {
    expect(resourceFieldValue(pod, { containerName: container, resource, ...(divisor ? { divisor } : {}) }, allocatable)).toBe(want);
  });

  it.each([
    { name: 'unknown resource', container: 'app', resource: 'limits.gpu', error: 'unsupported container resource : limits.gpu' },
    { name: 'unknown container', container: 'nope', resource: 'limits.cpu', error: 'container nope not found' },
  ])('$name', ({ container, resource, error }) => {
    expect(() => resourceFieldValue(pod, { containerName: container, resource })).toThrow(error);
  });
});

describe('downwardPayload', () => {
  it('renders files with item or default modes', () => {
    const p = downwardPayload(pod, [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' }, mode: 0o400 },
    ], 0o644);
    expect(Object.fromEntries([...p].map(([k, v]) => [k, [new TextDecoder().decode(v.data), v.mode]]))).toEqual({
      labels: ['app="web"\ntier="front"', 0o644],
      cpu: ['1500', 0o400],
    });
  });

  it('aggregates every failing item', () => {
    expect(() => downwardPayload(pod, [
      { path: 'a', fieldRef: { fieldPath: 'spec.x' } },
      { path: 'b', resourceFieldRef: { containerName: 'nope', resource: 'limits.cpu' } },
    ], 0o644)).toThrow('[unsupported fieldPath: spec.x, container nope not found]');
  });
});
