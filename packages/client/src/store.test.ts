import { describe, expect, it } from 'vitest';
import { keyOf, Lister, objectKey, splitKey, Store } from './store.ts';
import type { KubeObject } from './types.ts';

const obj = (name: string, namespace?: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, ...(namespace ? { namespace } : {}), labels } });

describe('object keys', () => {
  const cases = [
    { name: 'namespaced', ns: 'default', n: 'web', key: 'default/web' },
    { name: 'cluster-scoped', ns: undefined, n: 'node-1', key: 'node-1' },
  ];
  it.each(cases)('$name', ({ ns, n, key }) => {
    expect(keyOf(ns, n)).toBe(key);
    expect(objectKey(obj(n, ns))).toBe(key);
    expect(splitKey(key)).toEqual({ namespace: ns ?? '', name: n });
  });
});

describe('Store indexes', () => {
  it('follow every write: set, replace and delete', () => {
    const store = new Store<KubeObject>();
    const lister = new Lister(store);
    lister.addIndex('app', (o) => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []));
    store.set(obj('a', 'ns1', { app: 'web' }));
    store.set(obj('b', 'ns2', { app: 'web' }));
    expect(lister.byIndex('app', 'web').map(objectKey)).toEqual(['ns1/a', 'ns2/b']);

    store.set(obj('a', 'ns1', { app: 'db' }));
    expect(lister.byIndex('app', 'web').map(objectKey)).toEqual(['ns2/b']);
    expect(lister.byIndex('app', 'db').map(objectKey)).toEqual(['ns1/a']);

    store.delete(keyOf('ns2', 'b'));
    expect(lister.byIndex('app', 'web')).toEqual([]);
    expect(lister.byNamespace('ns1').map(objectKey)).toEqual(['ns1/a']);
    expect(lister.byNamespace('ns2')).toEqual([]);
  });

  it('builds a late index over what is already stored and refuses duplicates or unknown names', () => {
    const store = new Store<KubeObject>();
    store.set(obj('a', 'x', { tier: 'front' }));
    store.addIndex('tier', (o) => [o.metadata?.labels?.tier ?? '']);
    expect(store.byIndex('tier', 'front').map(objectKey)).toEqual(['x/a']);
    expect(() => store.addIndex('tier', () => [])).toThrow('index tier already exists');
    expect(() => store.byIndex('nope', 'v')).toThrow('index nope does not exist');
  });
});
