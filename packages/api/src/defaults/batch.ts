// batch/v1 defaults (pkg/apis/batch/v1/defaults.go). A CronJob's jobTemplate gets only the PodSpec
// defaults: the Job defaults apply when the controller creates the Job, not in the template.
import { defaultPodTemplate } from './podspec.ts';
import { at, defaultPointer, isObj, items, struct, type Obj } from './util.ts';

const INT32_MAX = 2 ** 31 - 1;

export function defaultJob(job: Obj): void {
  const spec = struct(job, 'spec');
  // Both unset means one pod run once; a parallelism alone leaves completions unset (a work queue).
  if (spec['completions'] == null && spec['parallelism'] == null) spec['completions'] = 1;
  defaultPointer(spec, 'parallelism', 1);
  // With per-index limits the global limit must not cut in first.
  defaultPointer(spec, 'backoffLimit', spec['backoffLimitPerIndex'] != null ? INT32_MAX : 6);
  const templateLabels = spec['template']?.['metadata']?.['labels'];
  const metadata = struct(job, 'metadata');
  if (isObj(templateLabels) && !(isObj(metadata['labels']) && Object.keys(metadata['labels']).length > 0)) {
    metadata['labels'] = { ...templateLabels };
  }
  defaultPointer(spec, 'completionMode', 'NonIndexed');
  defaultPointer(spec, 'suspend', false);
  at(spec, ['podFailurePolicy'], (policy) => {
    for (const rule of items(policy, 'rules')) {
      for (const pattern of items(rule, 'onPodConditions')) if (!pattern['status']) pattern['status'] = 'True';
    }
  });
  defaultPointer(spec, 'podReplacementPolicy', spec['podFailurePolicy'] != null ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(struct(spec, 'template'));
}

export function defaultCronJob(cj: Obj): void {
  const spec = struct(cj, 'spec');
  if (!spec['concurrencyPolicy']) spec['concurrencyPolicy'] = 'Allow';
  defaultPointer(spec, 'suspend', false);
  defaultPointer(spec, 'successfulJobsHistoryLimit', 3);
  defaultPointer(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(struct(struct(struct(spec, 'jobTemplate'), 'spec'), 'template'));
}
