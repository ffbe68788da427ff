// Completion indexes of Indexed Jobs (upstream indexed_job_utils.go): which index a pod runs, the
// compact "1,3-5,7" form of status.completedIndexes, and which indexes still need a pod.
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export const isIndexedJob = (job: Job) => job.spec?.completionMode === 'Indexed';

/** The pod's index from its annotation (then its label), or undefined if absent or malformed. */
export function completionIndex(pod: Pod): number | undefined {
  const raw = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  if (raw === undefined || !/^(0|[1-9][0-9]*)$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An index valid for this job: known and below completions. */
export function validIndex(job: Job, pod: Pod): number | undefined {
  const ix = completionIndex(pod);
  return ix !== undefined && ix < (job.spec?.completions ?? 0) ? ix : undefined;
}

/** Parses "1,3-5,7" into a sorted set of indexes below `completions`; malformed parts are skipped. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = Math.min(Number(m[2] ?? m[1]), completions - 1);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}

/** Formats indexes as the API does: increasing, three or more consecutive ones as "a-b". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const lo = sorted[i]!;
    const hi = sorted[j]!;
    if (j - i >= 2) parts.push(`${lo}-${hi}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The lowest `count` indexes that neither succeeded nor have an active pod, below `completions`.
 */
export function firstPendingIndexes(succeeded: ReadonlySet<number>, activePods: readonly Pod[], job: Job, count: number): number[] {
  const completions = job.spec?.completions ?? 0;
  const busy = new Set<number>(succeeded);
  for (const p of activePods) {
    const ix = validIndex(job, p);
    if (ix !== undefined) busy.add(ix);
  }
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!busy.has(i)) out.push(i);
  return out;
}

/**
 * Active pods to remove before any count-based removal: pods with no valid index, and all but
 * one pod per repeated index (the one kept is the first in `keepFirst` order).
 */
export function duplicateIndexPods(job: Job, activePods: readonly Pod[]): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = [];
  const keep: Pod[] = [];
  const seen = new Set<number>();
  for (const p of activePods) {
    const ix = validIndex(job, p);
    if (ix === undefined || seen.has(ix)) remove.push(p);
    else {
      seen.add(ix);
      keep.push(p);
    }
  }
  return { remove, keep };
}

/** The template of the pod that runs `index`: annotation, label, hostname and the env variable. */
export function templateForIndex(template: PodTemplateSpec, jobName: string, index: number): PodTemplateSpec {
  const t = structuredClone(template);
  const meta = (t.metadata ??= {});
  meta.annotations = { ...meta.annotations, [COMPLETION_INDEX]: String(index) };
  meta.labels = { ...meta.labels, [COMPLETION_INDEX]: String(index) };
  const spec = (t.spec ??= { containers: [] });
  spec.hostname = `${jobName}-${index}`;
  const env = { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (!c.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) c.env = [...(c.env ?? []), env];
  }
  return t;
}

/** upstream's generate-name for an index, shortened so the whole name stays a valid subdomain. */
export function indexedNamePrefix(jobName: string, index: number): string {
  const appendix = `-${index}-`;
  const max = 253 - 5;
  return jobName.length + appendix.length > max ? jobName.slice(0, max - appendix.length) + appendix : jobName + appendix;
}
