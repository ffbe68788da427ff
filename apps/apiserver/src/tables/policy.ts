// PodDisruptionBudgets (NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE) and
// PriorityClasses (NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY).

import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import { AGE, NAME, col } from './columns.ts';
import { since } from './format.ts';
import type { Printer } from './types.ts';

const intOrPercent = (v: number | string | undefined) => (v === undefined ? 'N/A' : String(v));

export const podDisruptionBudgetPrinter: Printer<PodDisruptionBudget> = {
  columns: [
    NAME,
    col('Min Available', 'string', 'Pods that must stay available, as a number or percentage.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable, as a number or percentage.'),
    col('Allowed Disruptions', 'integer', 'Pod disruptions currently allowed.'),
    AGE,
  ],
  cells: (pdb, now) => [
    pdb.metadata?.name ?? '',
    intOrPercent(pdb.spec?.minAvailable),
    intOrPercent(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    since(pdb.metadata?.creationTimestamp, now),
  ],
};

export const priorityClassPrinter: Printer<PriorityClass> = {
  columns: [
    NAME,
    col('Value', 'integer', 'Priority given to pods of this class.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    AGE,
    col('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods.'),
  ],
  cells: (pc, now) => [
    pc.metadata?.name ?? '',
    pc.value ?? 0,
    pc.globalDefault ?? false,
    since(pc.metadata?.creationTimestamp, now),
    pc.preemptionPolicy ?? '',
  ],
};
