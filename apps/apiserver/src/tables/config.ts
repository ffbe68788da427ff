// ConfigMaps (NAME DATA AGE), Secrets (NAME TYPE DATA AGE), ServiceAccounts (NAME SECRETS AGE)
// and Leases (NAME HOLDER AGE).

import type { Lease } from 'kubernetes-types/coordination/v1';
import type { ConfigMap, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { AGE, NAME, col } from './columns.ts';
import { since } from './format.ts';
import type { Printer } from './types.ts';

const count = (m: object | undefined) => Object.keys(m ?? {}).length;

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [NAME, col('Data', 'string', 'Number of keys in data and binaryData.'), AGE],
  cells: (cm, now) => [cm.metadata?.name ?? '', count(cm.data) + count(cm.binaryData), since(cm.metadata?.creationTimestamp, now)],
};

export const secretPrinter: Printer<Secret> = {
  columns: [
    NAME,
    col('Type', 'string', 'Type of the secret, e.g. Opaque or kubernetes.io/tls.'),
    col('Data', 'string', 'Number of keys in data.'),
    AGE,
  ],
  // stringData is write-only (merged into data on write), so only data is counted.
  cells: (s, now) => [s.metadata?.name ?? '', s.type ?? '', count(s.data), since(s.metadata?.creationTimestamp, now)],
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [NAME, col('Secrets', 'string', 'Number of secrets listed in the service account.'), AGE],
  cells: (sa, now) => [sa.metadata?.name ?? '', (sa.secrets ?? []).length, since(sa.metadata?.creationTimestamp, now)],
};

export const leasePrinter: Printer<Lease> = {
  columns: [NAME, col('Holder', 'string', 'Identity of the current holder of the lease.'), AGE],
  cells: (l, now) => [l.metadata?.name ?? '', l.spec?.holderIdentity ?? '', since(l.metadata?.creationTimestamp, now)],
};
