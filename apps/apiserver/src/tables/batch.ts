// batch/v1: Jobs (NAME STATUS COMPLETIONS DURATION AGE | CONTAINERS IMAGES SELECTOR) and
// CronJobs (NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE | CONTAINERS IMAGES SELECTOR).

import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1';
import { AGE, CONTAINERS, IMAGES, NAME, SELECTOR, col } from './columns.ts';
import { between, containerCells, formatLabelSelector, since } from './format.ts';
import type { Printer } from './types.ts';

/** The first condition of a type decides; a later duplicate is ignored. */
const hasCondition = (conditions: readonly JobCondition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)?.status === 'True';

/** Terminal conditions win over deletion, which wins over Suspended and FailureTarget. */
export function jobStatus(job: Job): string {
  const conds = job.status?.conditions;
  if (hasCondition(conds, 'Complete')) return 'Complete';
  if (hasCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(conds, 'Suspended')) return 'Suspended';
  if (hasCondition(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; without completions, `n/1`, or `n/1 of P` for parallel work queues. */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions != null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime;
  return end ? between(start, end) : since(start, now);
}

export const jobPrinter: Printer<Job> = {
  columns: [
    NAME,
    col('Status', 'string', 'Complete, Failed, Terminating, Suspended, FailureTarget or Running.'),
    col('Completions', 'string', 'Succeeded pods out of the completions asked for.'),
    col('Duration', 'string', 'Time the job took, or has been running so far.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(job, now) {
    const [names, images] = containerCells(job.spec?.template?.spec?.containers);
    return [
      job.metadata?.name ?? '',
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      since(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
};

const boolCell = (b: boolean | undefined) => (b === undefined ? '<unset>' : b ? 'True' : 'False');

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    NAME,
    col('Schedule', 'string', 'Cron schedule of the job.'),
    col('Timezone', 'string', 'Time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Number of jobs currently running.'),
    col('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(cj, now) {
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
    const last = cj.status?.lastScheduleTime;
    return [
      cj.metadata?.name ?? '',
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      boolCell(cj.spec?.suspend),
      (cj.status?.active ?? []).length,
      last ? since(last, now) : '<none>',
      since(cj.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};
