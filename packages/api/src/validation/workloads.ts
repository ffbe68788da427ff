// apps/v1 and batch/v1 checks: replicas, selectors against template labels, strategies, jobs.
import type { StatusCause } from '../errors.ts';
import { enumField } from './containers.ts';
import { cronScheduleError } from './cron.ts';
import { child, deepEqual, forbidden, immutable, invalid, nonNegative, notSupported, positive, required, type Path } from './field.ts';
import { asObj, nameIsDNSSubdomain, selectorIsEmpty, selectorMatches, str, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { regexError } from './names.ts';
import { validatePodTemplateSpec } from './pod.ts';

type Obj = Record<string, unknown>;

export function validateIntOrPercent(v: unknown, path: Path): StatusCause[] {
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) {
      return [invalid(path, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%'))];
    }
    return Number(v.slice(0, -1)) > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
  }
  return nonNegative(path, v);
}

const isZero = (v: unknown) => v === 0 || v === '0%';

/** Selector required and non-empty, template labels matching it, template restart policy allowed. */
function validateSelectorAndTemplate(spec: Obj, path: Path, what: string, restartPolicies: readonly string[]): StatusCause[] {
  const errs: StatusCause[] = [];
  const selector = spec['selector'];
  const selPath = child(path, 'selector');
  if (selector === undefined || selector === null) errs.push(required(selPath));
  else {
    errs.push(...validateLabelSelector(selector, selPath));
    if (selectorIsEmpty(selector)) errs.push(invalid(selPath, selector, `empty selector is invalid for ${what}`));
  }
  errs.push(...validateTemplate(spec['template'], selector, child(path, 'template'), restartPolicies));
  return errs;
}

function validateTemplate(template: unknown, selector: unknown, path: Path, restartPolicies: readonly string[]): StatusCause[] {
  const errs = validatePodTemplateSpec(template, path, { restartPolicies });
  const t = asObj(template);
  const labels = asObj(t['metadata'])['labels'];
  if (template && selector && !selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(invalid(child(path, 'metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`'));
  }
  return errs;
}

const ALWAYS = ['Always'];

function validateRollingUpdate(ru: unknown, path: Path): StatusCause[] {
  if (ru === undefined || ru === null) return [];
  const r = asObj(ru);
  const errs = [
    ...validateIntOrPercent(r['maxUnavailable'], child(path, 'maxUnavailable')),
    ...validateIntOrPercent(r['maxSurge'], child(path, 'maxSurge')),
  ];
  if (r['maxUnavailable'] !== undefined && r['maxSurge'] !== undefined && isZero(r['maxUnavailable']) && isZero(r['maxSurge'])) {
    errs.push(invalid(child(path, 'maxUnavailable'), r['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

export function validateDeployment(d: Obj): StatusCause[] {
  const spec = asObj(d['spec']);
  const errs = [...validateObjectMeta(d['metadata'], nameIsDNSSubdomain), ...nonNegative('spec.replicas', spec['replicas'])];
  errs.push(...validateSelectorAndTemplate(spec, 'spec', 'deployment', ALWAYS));
  const strategy = asObj(spec['strategy']);
  errs.push(...enumField('spec.strategy.type', strategy['type'], ['Recreate', 'RollingUpdate']));
  if (strategy['type'] === 'Recreate' && strategy['rollingUpdate'] != null) {
    errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  }
  errs.push(...validateRollingUpdate(strategy['rollingUpdate'], 'spec.strategy.rollingUpdate'));
  for (const f of ['minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  const progress = spec['progressDeadlineSeconds'];
  if (typeof progress === 'number' && progress <= Number(spec['minReadySeconds'] ?? 0)) {
    errs.push(invalid('spec.progressDeadlineSeconds', progress, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSet(rs: Obj): StatusCause[] {
  const spec = asObj(rs['spec']);
  return [
    ...validateObjectMeta(rs['metadata'], nameIsDNSSubdomain),
    ...nonNegative('spec.replicas', spec['replicas']),
    ...nonNegative('spec.minReadySeconds', spec['minReadySeconds']),
    ...validateSelectorAndTemplate(spec, 'spec', 'replicaset', ALWAYS),
  ];
}

export function validateDaemonSet(ds: Obj): StatusCause[] {
  const spec = asObj(ds['spec']);
  const strategy = asObj(spec['updateStrategy']);
  return [
    ...validateObjectMeta(ds['metadata'], nameIsDNSSubdomain),
    ...validateSelectorAndTemplate(spec, 'spec', 'daemonset', ALWAYS),
    ...nonNegative('spec.minReadySeconds', spec['minReadySeconds']),
    ...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']),
    ...enumField('spec.updateStrategy.type', strategy['type'], ['OnDelete', 'RollingUpdate']),
    ...validateRollingUpdate(strategy['rollingUpdate'], 'spec.updateStrategy.rollingUpdate'),
  ];
}

export function validateStatefulSet(sts: Obj): StatusCause[] {
  const spec = asObj(sts['spec']);
  const strategy = asObj(spec['updateStrategy']);
  const errs = [
    ...validateObjectMeta(sts['metadata'], nameIsDNSSubdomain),
    ...nonNegative('spec.replicas', spec['replicas']),
    ...nonNegative('spec.minReadySeconds', spec['minReadySeconds']),
    ...enumField('spec.podManagementPolicy', spec['podManagementPolicy'], ['OrderedReady', 'Parallel']),
    ...enumField('spec.updateStrategy.type', strategy['type'], ['OnDelete', 'RollingUpdate']),
    ...nonNegative('spec.updateStrategy.rollingUpdate.partition', asObj(strategy['rollingUpdate'])['partition']),
    ...validateSelectorAndTemplate(spec, 'spec', 'statefulset', ALWAYS),
  ];
  if (Array.isArray(spec['volumeClaimTemplates']) && spec['volumeClaimTemplates'].length > 0) {
    errs.push(forbidden('spec.volumeClaimTemplates', 'storage is not supported by this cluster: persistent volume claims cannot be provisioned'));
  }
  return errs;
}

const JOB_RESTART = ['OnFailure', 'Never'];

/** A Job's selector is generated by the server unless manualSelector, so it may be absent. */
function validateJobSpec(spec: Obj, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...nonNegative(child(path, f), spec[f]));
  errs.push(...positive(child(path, 'activeDeadlineSeconds'), spec['activeDeadlineSeconds']));
  errs.push(...enumField(child(path, 'completionMode'), spec['completionMode'], ['NonIndexed', 'Indexed']));
  if (spec['completionMode'] === 'Indexed' && spec['completions'] == null) {
    errs.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
  }
  const selector = spec['selector'];
  if (selector != null) errs.push(...validateLabelSelector(selector, child(path, 'selector')));
  errs.push(...validateTemplate(spec['template'], selector, child(path, 'template'), JOB_RESTART));
  // The pod template default (Always) is what a Job gets when its template names no policy.
  const tspec = asObj(asObj(spec['template'])['spec']);
  if (spec['template'] != null && tspec['restartPolicy'] === undefined) {
    errs.push(notSupported(child(path, 'template', 'spec', 'restartPolicy'), 'Always', JOB_RESTART));
  }
  return errs;
}

export function validateJob(job: Obj): StatusCause[] {
  return [...validateObjectMeta(job['metadata'], nameIsDNSSubdomain), ...validateJobSpec(asObj(job['spec']), 'spec')];
}

/** An IANA zone name the runtime knows (upstream asks Go's time.LoadLocation); `Local` is refused. */
function isTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'Local' || /\s/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function validateCronJob(cj: Obj): StatusCause[] {
  const spec = asObj(cj['spec']);
  const errs = validateObjectMeta(cj['metadata'], nameIsDNSSubdomain);
  const name = str(asObj(cj['metadata'])['name']);
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  const schedule = str(spec['schedule']);
  if (!schedule) errs.push(required('spec.schedule'));
  else if (/(^|\s)(CRON_)?TZ=/.test(schedule)) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  else {
    const err = cronScheduleError(schedule);
    if (err) errs.push(invalid('spec.schedule', schedule, err));
  }
  errs.push(...enumField('spec.concurrencyPolicy', spec['concurrencyPolicy'], ['Allow', 'Forbid', 'Replace']));
  const zone = spec['timeZone'];
  if (typeof zone === 'string' && !isTimeZone(zone)) errs.push(invalid('spec.timeZone', zone, `unknown time zone ${zone}`));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  const jobTemplate = asObj(spec['jobTemplate']);
  errs.push(...validateJobSpec(asObj(jobTemplate['spec']), 'spec.jobTemplate.spec'));
  return errs;
}

const STS_UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const STS_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

const without = (o: Obj, fields: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !fields.includes(k)));

/** Update-only rules for workloads; the create rules are applied to the new object separately. */
export function validateWorkloadUpdate(kind: string, obj: Obj, old: Obj): StatusCause[] {
  const spec = asObj(obj['spec']);
  const oldSpec = asObj(old['spec']);
  const errs = validateObjectMetaUpdate(obj['metadata'], old['metadata']);
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      errs.push(...immutable('spec.selector', spec['selector'], oldSpec['selector']));
      break;
    case 'StatefulSet':
      if (!deepEqual(without(spec, STS_UPDATABLE), without(oldSpec, STS_UPDATABLE))) errs.push(forbidden('spec', STS_FORBIDDEN));
      break;
    case 'Job':
      for (const f of ['selector', 'template', 'completions', 'completionMode']) errs.push(...immutable(`spec.${f}`, spec[f], oldSpec[f]));
      break;
  }
  return errs;
}
