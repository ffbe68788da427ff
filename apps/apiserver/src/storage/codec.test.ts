import { describe, expect, it } from 'vitest';
import { decodeStored, encodeStored } from './codec.ts';

const cases = [
  { name: 'a pod', obj: { kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'c' }] }, metadata: { name: 'p', resourceVersion: '3', labels: { a: 'b' } } } },
  { name: 'empty metadata', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } },
  { name: 'nested metadata before the top-level one in the input', obj: { spec: { template: { metadata: { labels: { x: 'y' } } } }, apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } },
  { name: 'a string that looks like metadata', obj: { apiVersion: 'v1', kind: 'ConfigMap', data: { k: '"metadata":{' }, metadata: { name: 'm' } } },
];

describe('stored form', () => {
  it.each(cases)('$name: the spliced text is the object with its resourceVersion', ({ obj }) => {
    const stored = encodeStored(obj as never);
    expect(JSON.parse(stored).metadata.resourceVersion).toBeUndefined();
    const { obj: decoded, json } = decodeStored(Buffer.from(stored), 42);
    expect(decoded.metadata.resourceVersion).toBe('42');
    expect(JSON.parse(json)).toEqual(decoded);
    expect(JSON.parse(json)).toEqual({ ...obj, metadata: { ...obj.metadata, resourceVersion: '42' } });
  });

  it('falls back to serialising when the stored text was written in another key order', () => {
    const { json } = decodeStored(JSON.stringify({ spec: { metadata: {} }, metadata: { name: 'x' } }), 7);
    expect(JSON.parse(json)).toEqual({ spec: { metadata: {} }, metadata: { name: 'x', resourceVersion: '7' } });
  });
});
