// PodSpec, Pod and PodTemplateSpec checks of core/v1 validation.
import type { StatusCause } from '../errors.ts';
import { validateAffinity, validateTopologySpread } from './affinity.ts';
import { validatePodSecurityContext } from './security.ts';
import { validateContainer, enumField } from './containers.ts';
import { child, deepEqual, duplicate, forbidden, index, invalid, invalidEach, nonNegative, notSupported, required, type Path } from './field.ts';
import { asArray, asObj, nameIsDNSSubdomain, str, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const MAX_INT32 = 2147483647;

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
/** The field each source needs before anything can be mounted. */
const SOURCE_REQUIRED: Record<string, string> = {
  hostPath: 'path', secret: 'secretName', configMap: 'name', persistentVolumeClaim: 'claimName', nfs: 'path', csi: 'driver',
};

function validateVolumes(volumes: unknown, path: Path): { errs: StatusCause[]; names: Set<string> } {
  const errs: StatusCause[] = [];
  const names = new Set<string>();
  asArray(volumes).forEach((raw, i) => {
    const v = asObj(raw);
    const at = index(path, i);
    const name = str(v['name']);
    if (!name) errs.push(required(child(at, 'name')));
    else {
      errs.push(...invalidEach(child(at, 'name'), name, isDNS1123Label(name)));
      if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      names.add(name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(at, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(forbidden(child(at, s), 'may not specify more than 1 volume type'));
    const [source] = sources;
    const need = source && SOURCE_REQUIRED[source];
    if (source && need && !str(asObj(v[source])[need])) errs.push(required(child(at, source, need)));
  });
  return { errs, names };
}

function validateTolerations(tolerations: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  asArray(tolerations).forEach((raw, i) => {
    const t = asObj(raw);
    const at = index(path, i);
    const k = str(t['key']);
    const op = t['operator'] ?? '';
    if (k) errs.push(...invalidEach(child(at, 'key'), k, isQualifiedName(k)));
    if (!k && op !== 'Exists') {
      errs.push(invalid(child(at, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t['tolerationSeconds'] !== undefined && t['tolerationSeconds'] !== null && t['effect'] !== 'NoExecute') {
      errs.push(invalid(child(at, 'effect'), t['effect'] ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === '' || op === 'Equal') errs.push(...invalidEach(child(at, 'value'), str(t['value']), isValidLabelValue(str(t['value']))));
    else if (op === 'Exists') {
      if (str(t['value'])) errs.push(invalid(child(at, 'operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported(child(at, 'operator'), op, ['Equal', 'Exists']));
    if (str(t['effect'])) errs.push(...enumField(child(at, 'effect'), t['effect'], TAINT_EFFECTS));
  });
  return errs;
}

export interface PodSpecOptions {
  /** Restart policies this owner allows (pods: all three). */
  restartPolicies?: readonly string[];
}

export function validatePodSpec(spec: unknown, path: Path, opts: PodSpecOptions = {}): StatusCause[] {
  const s = asObj(spec);
  const { errs, names: volumes } = validateVolumes(s['volumes'], child(path, 'volumes'));
  const names = new Set<string>();
  asArray(s['initContainers']).forEach((c, i) => errs.push(...validateContainer(c, index(child(path, 'initContainers'), i), { volumes, names, init: true })));
  const containers = asArray(s['containers']);
  if (containers.length === 0) errs.push(required(child(path, 'containers')));
  containers.forEach((c, i) => errs.push(...validateContainer(c, index(child(path, 'containers'), i), { volumes, names, init: false })));

  const restart = s['restartPolicy'];
  const allowed = opts.restartPolicies ?? RESTART_POLICIES;
  if (restart === '') errs.push(required(child(path, 'restartPolicy')));
  else if (restart !== undefined && !RESTART_POLICIES.includes(str(restart))) errs.push(notSupported(child(path, 'restartPolicy'), restart, RESTART_POLICIES));
  else if (restart !== undefined && !allowed.includes(str(restart))) errs.push(notSupported(child(path, 'restartPolicy'), restart, allowed));
  errs.push(...enumField(child(path, 'dnsPolicy'), s['dnsPolicy'], DNS_POLICIES));
  errs.push(...validateLabels(s['nodeSelector'], child(path, 'nodeSelector')));
  errs.push(...validateTolerations(s['tolerations'], child(path, 'tolerations')));
  errs.push(...validateAffinity(s['affinity'], child(path, 'affinity')));
  errs.push(...validatePodSecurityContext(s['securityContext'], child(path, 'securityContext')));
  errs.push(...validateTopologySpread(s['topologySpreadConstraints'], child(path, 'topologySpreadConstraints')));
  errs.push(...nonNegative(child(path, 'terminationGracePeriodSeconds'), s['terminationGracePeriodSeconds']));
  const deadline = s['activeDeadlineSeconds'];
  if (typeof deadline === 'number' && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const v = str(s[f]);
    if (v) errs.push(...invalidEach(child(path, f), v, isDNS1123Subdomain(v)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(s[f]);
    if (v) errs.push(...invalidEach(child(path, f), v, isDNS1123Label(v)));
  }
  return errs;
}

export const validatePod = (pod: unknown): StatusCause[] => {
  const p = asObj(pod);
  return [...validateObjectMeta(p['metadata'], nameIsDNSSubdomain), ...validatePodSpec(p['spec'], 'spec')];
};

/** Template metadata carries no name; only labels and annotations are checked. */
export function validatePodTemplateSpec(template: unknown, path: Path, opts: PodSpecOptions = {}): StatusCause[] {
  if (template === undefined || template === null) return [required(path)];
  const t = asObj(template);
  const meta = asObj(t['metadata']);
  return [
    ...validateLabels(meta['labels'], child(path, 'metadata', 'labels')),
    ...validateAnnotations(meta['annotations'], child(path, 'metadata', 'annotations')),
    ...validatePodSpec(t['spec'], child(path, 'spec'), opts),
  ];
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec with every field a pod update may change copied from the old spec. */
function withMutableFieldsFrom(spec: Record<string, unknown>, old: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...spec };
  for (const list of ['containers', 'initContainers']) {
    const olds = asArray(old[list]);
    if (Array.isArray(spec[list])) {
      copy[list] = asArray(spec[list]).map((c, i) => (i < olds.length ? { ...asObj(c), image: asObj(olds[i])['image'] } : c));
    }
  }
  copy['activeDeadlineSeconds'] = old['activeDeadlineSeconds'];
  const oldTolerations = asArray(old['tolerations']);
  if (oldTolerations.every((t) => asArray(spec['tolerations']).some((n) => deepEqual(n, t)))) copy['tolerations'] = old['tolerations'];
  const grace = old['terminationGracePeriodSeconds'];
  if (typeof grace === 'number' && grace < 0 && spec['terminationGracePeriodSeconds'] === 1) copy['terminationGracePeriodSeconds'] = grace;
  return copy;
}

export function validatePodUpdate(pod: unknown, old: unknown): StatusCause[] {
  const p = asObj(pod);
  const o = asObj(old);
  const spec = asObj(p['spec']);
  const oldSpec = asObj(o['spec']);
  const errs = [...validateObjectMetaUpdate(p['metadata'], o['metadata']), ...validatePodSpec(spec, 'spec')];
  const oldDeadline = oldSpec['activeDeadlineSeconds'];
  const deadline = spec['activeDeadlineSeconds'];
  if (typeof oldDeadline === 'number') {
    if (deadline === undefined || deadline === null) {
      errs.push(invalid(child('spec', 'activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
    } else if (typeof deadline === 'number' && deadline > oldDeadline) {
      errs.push(invalid(child('spec', 'activeDeadlineSeconds'), deadline, 'must be less than or equal to previous value'));
    }
  }
  if (!deepEqual(withMutableFieldsFrom(spec, oldSpec), oldSpec)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return errs;
}

export function validatePodStatusUpdate(pod: unknown, old: unknown): StatusCause[] {
  const p = asObj(pod);
  const status = asObj(p['status']);
  const errs = validateObjectMetaUpdate(p['metadata'], asObj(old)['metadata']);
  if (status['phase'] !== undefined) errs.push(...enumField(child('status', 'phase'), status['phase'], PHASES));
  asArray(status['conditions']).forEach((c, i) => {
    const type = str(asObj(c)['type']);
    errs.push(...invalidEach(child(index(child('status', 'conditions'), i), 'type'), type, isQualifiedName(type)));
  });
  return errs;
}
