// Checks for the smaller kinds: ConfigMap, Secret, Namespace, Node, Event, ServiceAccount,
// Binding, Lease, PodDisruptionBudget and PriorityClass.
import type { StatusCause } from '../errors.ts';
import { enumField } from './containers.ts';
import { child, forbidden, immutable, index, invalid, invalidEach, key, nonNegative, notSupported, positive, required, tooLong, type Path } from './field.ts';
import { asArray, asObj, nameIsDNSLabel, nameIsDNSSubdomain, str, validateLabelSelector, validateObjectMeta } from './meta.ts';
import { isConfigMapKey, isQualifiedName, isValidLabelValue } from './names.ts';
import { validateIntOrPercent } from './workloads.ts';

type Obj = Record<string, unknown>;
const MAX_DATA_SIZE = 1024 * 1024;

function validateKeys(data: unknown, path: Path): StatusCause[] {
  return Object.keys(asObj(data)).flatMap((k) => invalidEach(key(path, k), k, isConfigMapKey(k)));
}

export function validateConfigMap(cm: Obj): StatusCause[] {
  const errs = [...validateObjectMeta(cm['metadata'], nameIsDNSSubdomain), ...validateKeys(cm['data'], 'data'), ...validateKeys(cm['binaryData'], 'binaryData')];
  const binary = asObj(cm['binaryData']);
  let size = 0;
  for (const [k, v] of Object.entries(asObj(cm['data']))) {
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(str(v));
  }
  for (const v of Object.values(binary)) size += Buffer.from(str(v), 'base64').length;
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  return errs;
}

/** The keys each built-in secret type must carry in `data` (stringData is merged in before validation). */
const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(secret: Obj): StatusCause[] {
  const errs = [...validateObjectMeta(secret['metadata'], nameIsDNSSubdomain), ...validateKeys(secret['data'], 'data')];
  const data = { ...asObj(secret['data']), ...asObj(secret['stringData']) };
  let size = 0;
  for (const v of Object.values(asObj(secret['data']))) size += Buffer.from(str(v), 'base64').length;
  for (const v of Object.values(asObj(secret['stringData']))) size += Buffer.byteLength(str(v));
  if (size > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  const type = str(secret['type']);
  for (const k of SECRET_REQUIRED_KEYS[type] ?? []) if (!(k in data)) errs.push(required(key('data', k)));
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errs.push(required(key('data', 'username')), required(key('data', 'password')));
  }
  if (type === 'kubernetes.io/service-account-token' && !str(asObj(asObj(secret['metadata'])['annotations'])['kubernetes.io/service-account.name'])) {
    errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
  }
  return errs;
}

/** Immutable ConfigMaps and Secrets keep their data; a Secret also keeps its type. */
export function validateDataUpdate(kind: string, obj: Obj, old: Obj): StatusCause[] {
  const errs: StatusCause[] = [];
  if (kind === 'Secret') errs.push(...immutable('type', obj['type'] ?? '', old['type'] ?? ''));
  if (old['immutable'] === true) {
    if (obj['immutable'] !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const f of kind === 'Secret' ? ['data'] : ['data', 'binaryData']) {
      errs.push(...immutable(f, obj[f] ?? {}, old[f] ?? {}).map(() => forbidden(f, 'field is immutable when `immutable` is set')));
    }
  }
  return errs;
}

export const validateNamespace = (ns: Obj): StatusCause[] => validateObjectMeta(ns['metadata'], nameIsDNSLabel);
export const validateNamespaceStatus = (ns: Obj): StatusCause[] =>
  enumField('status.phase', asObj(ns['status'])['phase'], ['Active', 'Terminating']);

export function validateNode(node: Obj): StatusCause[] {
  const errs = validateObjectMeta(node['metadata'], nameIsDNSSubdomain);
  asArray(asObj(node['spec'])['taints']).forEach((raw, i) => {
    const t = asObj(raw);
    const at = index('spec.taints', i);
    const k = str(t['key']);
    if (!k) errs.push(required(child(at, 'key')));
    else errs.push(...invalidEach(child(at, 'key'), k, isQualifiedName(k)));
    if (t['value']) errs.push(...invalidEach(child(at, 'value'), t['value'], isValidLabelValue(str(t['value']))));
    const effect = t['effect'];
    if (!effect) errs.push(required(child(at, 'effect')));
    else errs.push(...enumField(child(at, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

export function validateEvent(ev: Obj): StatusCause[] {
  const errs = validateObjectMeta(ev['metadata'], nameIsDNSSubdomain);
  const involved = asObj(ev['involvedObject']);
  const ns = str(asObj(ev['metadata'])['namespace']);
  const ins = str(involved['namespace']);
  if (ev['involvedObject'] == null) errs.push(required('involvedObject'));
  if (ins && ns && ins !== ns) errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
  if (ev['type'] !== undefined && ev['type'] !== '') errs.push(...enumField('type', ev['type'], ['Normal', 'Warning']));
  errs.push(...nonNegative('count', ev['count']));
  return errs;
}

export const validateServiceAccount = (sa: Obj): StatusCause[] => validateObjectMeta(sa['metadata'], nameIsDNSSubdomain);

export function validateBinding(b: Obj): StatusCause[] {
  const target = asObj(b['target']);
  const errs: StatusCause[] = [];
  if (str(target['kind']) && target['kind'] !== 'Node') errs.push(notSupported('target.kind', target['kind'], ['Node', '<empty>']));
  if (!str(target['name'])) errs.push(required('target.name'));
  return errs;
}

export function validateLease(lease: Obj): StatusCause[] {
  const spec = asObj(lease['spec']);
  return [
    ...validateObjectMeta(lease['metadata'], nameIsDNSSubdomain),
    ...positive('spec.leaseDurationSeconds', spec['leaseDurationSeconds']),
    ...nonNegative('spec.leaseTransitions', spec['leaseTransitions']),
  ];
}

export function validatePodDisruptionBudget(pdb: Obj): StatusCause[] {
  const spec = asObj(pdb['spec']);
  const errs = validateObjectMeta(pdb['metadata'], nameIsDNSSubdomain);
  if (spec['minAvailable'] != null && spec['maxUnavailable'] != null) {
    errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  if (spec['minAvailable'] != null) errs.push(...validateIntOrPercent(spec['minAvailable'], 'spec.minAvailable'));
  if (spec['maxUnavailable'] != null) errs.push(...validateIntOrPercent(spec['maxUnavailable'], 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(spec['selector'], 'spec.selector'));
  errs.push(...enumField('spec.unhealthyPodEvictionPolicy', spec['unhealthyPodEvictionPolicy'], ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}

const SYSTEM_PRIORITY_CLASSES = new Map([['system-node-critical', 2000001000], ['system-cluster-critical', 2000000000]]);
const HIGHEST_USER_PRIORITY = 1000000000;

export function validatePriorityClass(pc: Obj): StatusCause[] {
  const errs = validateObjectMeta(pc['metadata'], nameIsDNSSubdomain);
  const name = str(asObj(pc['metadata'])['name']);
  const value = pc['value'];
  const system = SYSTEM_PRIORITY_CLASSES.get(name);
  if (system !== undefined) {
    if (value !== system) errs.push(forbidden('value', `value of system priority class ${name} must be ${system}`));
  } else {
    if (name.startsWith('system-')) errs.push(forbidden('metadata.name', "priority class names with 'system-' prefix are reserved"));
    if (typeof value === 'number' && value > HIGHEST_USER_PRIORITY) {
      errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
    }
  }
  errs.push(...enumField('preemptionPolicy', pc['preemptionPolicy'], ['Never', 'PreemptLowerPriority']));
  return errs;
}
