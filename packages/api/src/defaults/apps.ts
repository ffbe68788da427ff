// apps/v1 defaults (pkg/apis/apps/v1/defaults.go): replicas, update strategies, history limits,
// and the PodSpec defaults of each template.
import { defaultPodTemplate, defaultPVCSpec } from './podspec.ts';
import { child, defaultPointer, defaultString, items, struct, type Obj } from './util.ts';

export function defaultDeployment(d: Obj): void {
  const spec = struct(d, 'spec');
  defaultPointer(spec, 'replicas', 1);
  const strategy = struct(spec, 'strategy');
  defaultString(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = struct(strategy, 'rollingUpdate');
    defaultPointer(ru, 'maxUnavailable', '25%');
    defaultPointer(ru, 'maxSurge', '25%');
  }
  defaultPointer(spec, 'revisionHistoryLimit', 10);
  defaultPointer(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(struct(spec, 'template'));
}

export function defaultReplicaSet(rs: Obj): void {
  const spec = struct(rs, 'spec');
  defaultPointer(spec, 'replicas', 1);
  defaultPodTemplate(struct(spec, 'template'));
}

export function defaultDaemonSet(ds: Obj): void {
  const spec = struct(ds, 'spec');
  const strategy = struct(spec, 'updateStrategy');
  defaultString(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = struct(strategy, 'rollingUpdate');
    defaultPointer(ru, 'maxUnavailable', 1);
    defaultPointer(ru, 'maxSurge', 0);
  }
  defaultPointer(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(struct(spec, 'template'));
}

export function defaultStatefulSet(sts: Obj): void {
  const spec = struct(sts, 'spec');
  defaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = struct(spec, 'updateStrategy');
  // Only a defaulted type brings a rollingUpdate block; an explicit RollingUpdate without one
  // stays without (and so without a partition).
  if (!strategy['type']) {
    strategy['type'] = 'RollingUpdate';
    struct(strategy, 'rollingUpdate');
  }
  const ru = child(strategy, 'rollingUpdate');
  if (strategy['type'] === 'RollingUpdate' && ru) defaultPointer(ru, 'partition', 0);
  const retention = struct(spec, 'persistentVolumeClaimRetentionPolicy');
  defaultString(retention, 'whenDeleted', 'Retain');
  defaultString(retention, 'whenScaled', 'Retain');
  defaultPointer(spec, 'replicas', 1);
  defaultPointer(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(struct(spec, 'template'));
  for (const claim of items(spec, 'volumeClaimTemplates')) {
    defaultPVCSpec(struct(claim, 'spec'));
    defaultString(struct(claim, 'status'), 'phase', 'Pending');
  }
}
