// One sync of the ServiceAccount controller (upstream's serviceaccounts_controller.go): every
// active namespace has the managed service accounts (just `default`), created again when deleted.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, Lister } from '@k8ts/client';
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1';
import { isNamespaceTerminating } from '../endpoints/equal.ts';

export const SERVICE_ACCOUNTS = resourceFor('', 'v1', 'serviceaccounts')!;

/** The accounts every namespace gets (upstream's DefaultServiceAccountsControllerOptions). */
export const MANAGED_ACCOUNTS: readonly string[] = ['default'];

export interface ServiceAccountPort {
  create(namespace: string, sa: ServiceAccount): Promise<void>;
}

export class ApiServiceAccountPort implements ServiceAccountPort {
  constructor(private readonly client: Client) {}

  async create(namespace: string, sa: ServiceAccount): Promise<void> {
    await this.client.create(SERVICE_ACCOUNTS, sa, { namespace });
  }
}

export interface ServiceAccountSyncOptions {
  namespaces: Lister<Namespace>;
  serviceAccounts: Lister<ServiceAccount>;
  port: ServiceAccountPort;
  accounts?: readonly string[];
}

export class ServiceAccountSync {
  readonly accounts: readonly string[];

  constructor(private readonly o: ServiceAccountSyncOptions) {
    this.accounts = o.accounts ?? MANAGED_ACCOUNTS;
  }

  /** `key` is a namespace name. */
  async sync(key: string): Promise<void> {
    // 1. Only active namespaces: a terminating one refuses new content anyway.
    const ns = this.o.namespaces.get(key);
    if (!ns || ns.status?.phase !== 'Active') return;
    // 2. Create what is missing; someone else creating it first is as good.
    const errors: string[] = [];
    for (const name of this.accounts) {
      if (this.o.serviceAccounts.get(`${key}/${name}`)) continue;
      try {
        await this.o.port.create(key, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: key } });
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        if (isNamespaceTerminating(err)) continue;
        errors.push((err as Error).message);
      }
    }
    if (errors.length) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  }
}
