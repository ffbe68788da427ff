import { ApiError, isApiError, notFound } from '@k8ts/api';
import { describe, expect, it } from 'vitest';
import type { FileProjection } from './atomic-writer.ts';
import { configMapPayload, configMapValues, getConfigMap, getSecret, secretPayload, secretValues } from './payload.ts';
import type { VolumeSources } from './types.ts';

const dec = new TextDecoder();
const show = (p: Map<string, FileProjection>) =>
  Object.fromEntries([...p].map(([k, v]) => [k, `${dec.decode(v.data)} ${v.mode.toString(8)}`]));
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('configMapPayload', () => {
  const values = configMapValues({ data: { a: 'A', b: 'B' }, binaryData: { bin: b64('\x00\x01') } });
  it.each([
    { name: 'no items: every key, default mode', items: undefined, mode: 0o644, optional: false, want: { a: 'A 644', b: 'B 644', bin: '\x00\x01 644' } },
    { name: 'defaultMode applies', items: [], mode: 0o400, optional: false, want: { a: 'A 400', b: 'B 400', bin: '\x00\x01 400' } },
    {
      name: 'items pick keys, paths and modes',
      items: [{ key: 'a', path: 'x/a.txt', mode: 0o600 }, { key: 'bin', path: 'bin' }],
      mode: 0o644,
      optional: false,
      want: { 'x/a.txt': 'A 600', bin: '\x00\x01 644' },
    },
    { name: 'optional skips a missing key', items: [{ key: 'zz', path: 'zz' }, { key: 'b', path: 'b' }], mode: 0o644, optional: true, want: { b: 'B 644' } },
  ])('$name', ({ items, mode, optional, want }) => {
    expect(show(configMapPayload(values, items, mode, optional))).toEqual(want);
  });

  it('refuses a missing key that is not optional', () => {
    expect(() => configMapPayload(values, [{ key: 'zz', path: 'zz' }], 0o644, false)).toThrow('configmap references non-existent config key: zz');
  });
});

describe('secretPayload', () => {
  const values = secretValues({ data: { user: b64('admin'), pass: b64('s3cret') } });
  it.each([
    { name: 'base64 decoded, default 0644', items: undefined, mode: 0o644, optional: false, want: { user: 'admin 644', pass: 's3cret 644' } },
    { name: 'item mode wins', items: [{ key: 'pass', path: 'p', mode: 0o400 }], mode: 0o644, optional: false, want: { p: 's3cret 400' } },
    { name: 'optional missing key', items: [{ key: 'nope', path: 'n' }], mode: 0o644, optional: true, want: {} },
  ])('$name', ({ items, mode, optional, want }) => {
    expect(show(secretPayload(values, items, mode, optional))).toEqual(want);
  });

  it('refuses a missing key that is not optional', () => {
    expect(() => secretPayload(values, [{ key: 'nope', path: 'n' }], 0o644, false)).toThrow('references non-existent secret key: nope');
  });
});

describe('lookups', () => {
  const sources = (behaviour: 'missing' | 'throwsNotFound' | 'throwsOther'): VolumeSources => ({
    async configMap(_ns, name) {
      if (behaviour === 'throwsNotFound') throw notFound({ resource: 'configmaps' }, name);
      if (behaviour === 'throwsOther') throw new ApiError(500, 'InternalError', 'etcd down');
      return undefined;
    },
    async secret(_ns, name) {
      if (behaviour === 'throwsNotFound') throw notFound({ resource: 'secrets' }, name);
      if (behaviour === 'throwsOther') throw new ApiError(500, 'InternalError', 'etcd down');
      return undefined;
    },
  });

  it.each([
    { name: 'missing configmap', behaviour: 'missing' as const, get: getConfigMap, error: 'configmap "x" not found' },
    { name: 'NotFound thrown by the port', behaviour: 'throwsNotFound' as const, get: getConfigMap, error: 'configmap "x" not found' },
    { name: 'missing secret', behaviour: 'missing' as const, get: getSecret, error: 'secret "x" not found' },
  ])('$name: required is a typed NotFound, optional is empty', async ({ behaviour, get, error }) => {
    const err = await get(sources(behaviour), 'ns', 'x', false).catch((e: unknown) => e);
    expect(isApiError(err, 'NotFound')).toBe(true);
    expect((err as ApiError).message).toBe(error);
    expect((err as ApiError).code).toBe(404);
    const empty = await get(sources(behaviour), 'ns', 'x', true);
    expect(Object.keys(empty.data)).toEqual([]);
  });

  it('passes other errors through even when optional', async () => {
    await expect(getConfigMap(sources('throwsOther'), 'ns', 'x', true)).rejects.toThrow('etcd down');
  });
});
