// Server-side printing: objects → meta.k8s.io/v1 Table, one printer per kind, with upstream's
// columns and cell text so that the real kubectl prints what it prints against Kubernetes.

import type { ResourceInfo } from '@k8ts/api';
import { cronJobPrinter, jobPrinter } from './batch.ts';
import { configMapPrinter, leasePrinter, secretPrinter, serviceAccountPrinter } from './config.ts';
import { defaultPrinter } from './default.ts';
import { eventPrinter } from './events.ts';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './network.ts';
import { namespacePrinter, nodePrinter } from './nodes.ts';
import { podPrinter } from './pods.ts';
import { podDisruptionBudgetPrinter, priorityClassPrinter } from './policy.ts';
import type { Printer, Table, TableOptions, TableRow } from './types.ts';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads.ts';

export type { Cell, ColumnDefinition, IncludeObject, Printer, Table, TableOptions, TableRow, TableRowCondition } from './types.ts';

// Printers are keyed by group and kind: a kind served at several versions prints the same.
const PRINTERS: ReadonlyMap<string, Printer<unknown>> = new Map<string, Printer<unknown>>([
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Event', eventPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
]);

/** The printer for a resource; kinds without one get upstream's default NAME / CREATED AT table. */
export function printerFor(resource: Pick<ResourceInfo, 'group' | 'kind'>): Printer<unknown> {
  return PRINTERS.get(`${resource.group}/${resource.kind}`) ?? defaultPrinter;
}

interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

function rowObject(resource: ResourceInfo, obj: KObject, include: TableOptions['includeObject']): TableRow['object'] {
  switch (include) {
    case 'None':
      return undefined;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
    case 'Object': {
      const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
      return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? resource.kind };
    }
  }
}

/**
 * One row per object, in the given order. Every column is sent, wide ones included (kubectl
 * hides priority > 0 unless `-o wide`). `metadata` is left empty for the caller to fill from
 * the list (resourceVersion, continue, remainingItemCount) or the single object.
 */
export function toTable(resource: ResourceInfo, objects: readonly unknown[], opts: TableOptions): Table {
  const printer = printerFor(resource);
  const rows = (objects as readonly KObject[]).map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    const object = rowObject(resource, obj, opts.includeObject);
    if (object) row.object = object;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: opts.noHeaders ? [] : [...printer.columns],
    rows,
  };
}
