// Affinity in a PodSpec (core/v1 validation's node selector, pod affinity and anti-affinity
// rules): operators and their values, weights of preferred terms, topology keys.
import type { StatusCause } from '../errors.ts';
import { child, duplicate, forbidden, index, invalid, invalidEach, notSupported, required, type Path } from './field.ts';
import { asArray, asObj, str, validateLabelSelector } from './meta.ts';
import { isDNS1123Label, isQualifiedName } from './names.ts';

function nodeSelectorRequirement(raw: unknown, path: Path, fieldsOnly: boolean): StatusCause[] {
  const r = asObj(raw);
  const errs: StatusCause[] = [];
  const values = asArray(r['values']);
  const op = r['operator'];
  const key = str(r['key']);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      else if (fieldsOnly && values.length !== 1) errs.push(required(child(path, 'values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (fieldsOnly) errs.push(invalid(child(path, 'operator'), op, 'not a valid selector operator'));
      else if (values.length > 0) errs.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (fieldsOnly) errs.push(invalid(child(path, 'operator'), op, 'not a valid selector operator'));
      else if (values.length !== 1) errs.push(required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      else if (!/^-?\d+$/.test(str(values[0]))) errs.push(invalid(index(child(path, 'values'), 0), values[0], 'must be an integer'));
      break;
    default:
      errs.push(invalid(child(path, 'operator'), op ?? '', 'not a valid selector operator'));
  }
  if (fieldsOnly) {
    if (key !== 'metadata.name') errs.push(invalid(child(path, 'key'), key, 'not a valid field selector key'));
  } else {
    errs.push(...invalidEach(child(path, 'key'), key, isQualifiedName(key)));
  }
  return errs;
}

function nodeSelectorTerm(raw: unknown, path: Path): StatusCause[] {
  const t = asObj(raw);
  return [
    ...asArray(t['matchExpressions']).flatMap((r, i) => nodeSelectorRequirement(r, index(child(path, 'matchExpressions'), i), false)),
    ...asArray(t['matchFields']).flatMap((r, i) => nodeSelectorRequirement(r, index(child(path, 'matchFields'), i), true)),
  ];
}

function weight(raw: unknown, path: Path): StatusCause[] {
  const w = asObj(raw)['weight'];
  return typeof w === 'number' && w >= 1 && w <= 100 ? [] : [invalid(child(path, 'weight'), w ?? 0, 'must be in the range 1-100')];
}

function podAffinityTerm(raw: unknown, path: Path): StatusCause[] {
  const t = asObj(raw);
  const errs = [...validateLabelSelector(t['labelSelector'], child(path, 'labelSelector'))];
  errs.push(...validateLabelSelector(t['namespaceSelector'], child(path, 'namespaceSelector')));
  asArray(t['namespaces']).forEach((ns, i) => errs.push(...invalidEach(index(child(path, 'namespaces'), i), ns, isDNS1123Label(str(ns)))));
  const key = str(t['topologyKey']);
  if (!key) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  else errs.push(...invalidEach(child(path, 'topologyKey'), key, isQualifiedName(key)));
  return errs;
}

function podAffinity(raw: unknown, path: Path): StatusCause[] {
  const a = asObj(raw);
  const req = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  const pref = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  return [
    ...asArray(a['requiredDuringSchedulingIgnoredDuringExecution']).flatMap((t, i) => podAffinityTerm(t, index(req, i))),
    ...asArray(a['preferredDuringSchedulingIgnoredDuringExecution']).flatMap((t, i) => [
      ...weight(t, index(pref, i)),
      ...podAffinityTerm(asObj(t)['podAffinityTerm'], child(index(pref, i), 'podAffinityTerm')),
    ]),
  ];
}

export function validateAffinity(affinity: unknown, path: Path): StatusCause[] {
  if (affinity === undefined || affinity === null) return [];
  const a = asObj(affinity);
  const errs: StatusCause[] = [];
  const node = a['nodeAffinity'];
  if (node !== undefined && node !== null) {
    const n = asObj(node);
    const np = child(path, 'nodeAffinity');
    const required_ = n['requiredDuringSchedulingIgnoredDuringExecution'];
    if (required_ !== undefined && required_ !== null) {
      const rp = child(np, 'requiredDuringSchedulingIgnoredDuringExecution');
      const terms = asArray(asObj(required_)['nodeSelectorTerms']);
      if (terms.length === 0) errs.push(required(child(rp, 'nodeSelectorTerms'), 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...nodeSelectorTerm(t, index(child(rp, 'nodeSelectorTerms'), i))));
    }
    const pp = child(np, 'preferredDuringSchedulingIgnoredDuringExecution');
    asArray(n['preferredDuringSchedulingIgnoredDuringExecution']).forEach((t, i) => {
      errs.push(...weight(t, index(pp, i)));
      errs.push(...nodeSelectorTerm(asObj(t)['preference'], child(index(pp, i), 'preference')));
    });
  }
  if (a['podAffinity']) errs.push(...podAffinity(a['podAffinity'], child(path, 'podAffinity')));
  if (a['podAntiAffinity']) errs.push(...podAffinity(a['podAntiAffinity'], child(path, 'podAntiAffinity')));
  return errs;
}

const UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const POLICIES = ['Honor', 'Ignore'];

/** topologySpreadConstraints: maxSkew > 0, a topology key, the enums, and one constraint per key and action. */
export function validateTopologySpread(constraints: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  const seen = new Set<string>();
  asArray(constraints).forEach((raw, i) => {
    const c = asObj(raw);
    const at = index(path, i);
    const skew = c['maxSkew'];
    if (typeof skew !== 'number' || skew <= 0) errs.push(invalid(child(at, 'maxSkew'), skew ?? 0, 'must be greater than zero'));
    const key = str(c['topologyKey']);
    if (!key) errs.push(required(child(at, 'topologyKey'), 'can not be empty'));
    else errs.push(...invalidEach(child(at, 'topologyKey'), key, isQualifiedName(key)));
    const when = c['whenUnsatisfiable'];
    if (!UNSATISFIABLE.includes(str(when))) errs.push(notSupported(child(at, 'whenUnsatisfiable'), when ?? '', UNSATISFIABLE));
    const minDomains = c['minDomains'];
    if (minDomains !== undefined && minDomains !== null) {
      if (typeof minDomains !== 'number' || minDomains <= 0) errs.push(invalid(child(at, 'minDomains'), minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule') errs.push(invalid(child(at, 'minDomains'), minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ' + str(when)));
    }
    for (const p of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = c[p];
      if (v !== undefined && v !== null && !POLICIES.includes(str(v))) errs.push(notSupported(child(at, p), v, POLICIES));
    }
    errs.push(...validateLabelSelector(c['labelSelector'], child(at, 'labelSelector')));
    const pair = `${key}/${str(when)}`;
    if (key && seen.has(pair)) errs.push(duplicate(child(at, '{topologyKey, whenUnsatisfiable}'), `{${key}, ${str(when)}}`));
    seen.add(pair);
  });
  return errs;
}
