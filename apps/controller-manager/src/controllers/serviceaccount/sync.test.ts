import { ApiError } from '@k8ts/api';
import { Lister, Store } from '@k8ts/client';
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { ServiceAccountSync, type ServiceAccountPort } from './sync.ts';

class FakePort implements ServiceAccountPort {
  readonly created: string[] = [];
  fail: Error | undefined;
  async create(namespace: string, sa: ServiceAccount): Promise<void> {
    if (this.fail) throw this.fail;
    this.created.push(`${namespace}/${sa.metadata?.name}`);
  }
}

const ns = (name: string, phase = 'Active'): Namespace => ({ metadata: { name }, status: { phase } });
const sa = (namespace: string, name: string): ServiceAccount => ({ metadata: { namespace, name } });

describe('ServiceAccountSync', () => {
  const cases: { name: string; namespaces: Namespace[]; accounts: ServiceAccount[]; fail?: Error; created: string[]; throws?: string }[] = [
    { name: 'creates default in an active namespace', namespaces: [ns('a')], accounts: [], created: ['a/default'] },
    { name: 'recreates default when only other accounts exist', namespaces: [ns('a')], accounts: [sa('a', 'builder'), sa('b', 'default')], created: ['a/default'] },
    { name: 'leaves an existing default alone', namespaces: [ns('a')], accounts: [sa('a', 'default')], created: [] },
    { name: 'skips a terminating namespace', namespaces: [ns('a', 'Terminating')], accounts: [], created: [] },
    { name: 'skips a namespace that is gone', namespaces: [], accounts: [], created: [] },
    { name: 'AlreadyExists is success', namespaces: [ns('a')], accounts: [], fail: new ApiError(409, 'AlreadyExists', 'exists'), created: [] },
    { name: 'other errors retry', namespaces: [ns('a')], accounts: [], fail: new ApiError(500, 'InternalError', 'boom'), created: [], throws: 'boom' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const nss = new Store<Namespace>();
      c.namespaces.forEach((x) => nss.set(x));
      const sas = new Store<ServiceAccount>();
      c.accounts.forEach((x) => sas.set(x));
      const port = new FakePort();
      port.fail = c.fail;
      const sync = new ServiceAccountSync({ namespaces: new Lister(nss), serviceAccounts: new Lister(sas), port });
      if (c.throws) await expect(sync.sync('a')).rejects.toThrow(c.throws);
      else await sync.sync('a');
      expect(port.created).toEqual(c.created);
    });
  }
});
