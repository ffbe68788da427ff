// ObjectMeta, labels, annotations and label selectors as apimachinery's api/validation and
// apis/meta/v1/validation check them.
import type { StatusCause } from '../errors.ts';
import { child, forbidden, immutable, index, invalid, invalidEach, nonNegative, required, tooLong, type Path } from './field.ts';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, maskTrailingDash } from './names.ts';

/** Validates a name, or with `prefix` a generateName (which may end in '-'). */
export type NameFn = (name: string, prefix: boolean) => string[];

export const nameIsDNSSubdomain: NameFn = (n, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(n) : n);
export const nameIsDNSLabel: NameFn = (n, prefix) => isDNS1123Label(prefix ? maskTrailingDash(n) : n);
export const nameIsDNS1035Label: NameFn = (n, prefix) => isDNS1035Label(prefix ? maskTrailingDash(n) : n);

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function validateLabels(labels: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const [k, v] of Object.entries(asObj(labels))) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isValidLabelValue(str(v))));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(asObj(annotations))) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(str(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE));
  return errs;
}

export function validateLabelSelector(selector: unknown, path: Path): StatusCause[] {
  if (!isObj(selector)) return [];
  const errs = validateLabels(selector['matchLabels'], child(path, 'matchLabels'));
  asArray(selector['matchExpressions']).forEach((raw, i) => {
    const e = asObj(raw);
    const p = index(child(path, 'matchExpressions'), i);
    const values = asArray(e['values']);
    switch (e['operator']) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, 'operator'), e['operator'] ?? '', 'not a valid selector operator'));
    }
    errs.push(...invalidEach(child(p, 'key'), str(e['key']), isQualifiedName(str(e['key']))));
    values.forEach((v, j) => errs.push(...invalidEach(index(child(p, 'values'), j), v, isValidLabelValue(str(v)))));
  });
  return errs;
}

/** True when every matchLabels pair and matchExpressions requirement holds for `labels`. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  const sel = asObj(selector);
  const have = asObj(labels);
  const ok = Object.entries(asObj(sel['matchLabels'])).every(([k, v]) => have[k] === v);
  return ok && asArray(sel['matchExpressions']).every((raw) => {
    const e = asObj(raw);
    const k = str(e['key']);
    const values = asArray(e['values']);
    switch (e['operator']) {
      case 'In': return k in have && values.includes(have[k]);
      case 'NotIn': return !(k in have) || !values.includes(have[k]);
      case 'Exists': return k in have;
      case 'DoesNotExist': return !(k in have);
      default: return false;
    }
  });
}

export const selectorIsEmpty = (selector: unknown): boolean => {
  const sel = asObj(selector);
  return Object.keys(asObj(sel['matchLabels'])).length === 0 && asArray(sel['matchExpressions']).length === 0;
};

function validateOwnerReferences(refs: unknown, path: Path): StatusCause[] {
  const errs: StatusCause[] = [];
  let controller = '';
  for (const raw of asArray(refs)) {
    const r = asObj(raw);
    const apiVersion = str(r['apiVersion']);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!str(r['kind'])) errs.push(invalid(child(path, 'kind'), str(r['kind']), 'kind must not be empty'));
    if (!str(r['name'])) errs.push(invalid(child(path, 'name'), str(r['name']), 'name must not be empty'));
    if (!str(r['uid'])) errs.push(invalid(child(path, 'uid'), str(r['uid']), 'uid must not be empty'));
    if (apiVersion === 'v1' && r['kind'] === 'Event') {
      errs.push(invalid(path, r, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (r['controller'] === true) {
      const name = `${str(r['kind'])}/${str(r['name'])}`;
      if (controller) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${name}`));
      } else controller = name;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: Path): StatusCause[] {
  const list = asArray(finalizers).map(str);
  const errs = list.flatMap((f) => invalidEach(path, f, isQualifiedName(f)));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Namespace presence is the server's concern (it knows which resources are namespaced). */
export function validateObjectMeta(meta: unknown, nameFn: NameFn, path: Path = 'metadata'): StatusCause[] {
  const m = asObj(meta);
  const errs: StatusCause[] = [];
  const generateName = str(m['generateName']);
  const name = str(m['name']);
  if (generateName) errs.push(...invalidEach(child(path, 'generateName'), generateName, nameFn(generateName, true)));
  if (!name) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  else errs.push(...invalidEach(child(path, 'name'), name, nameFn(name, false)));
  errs.push(...nonNegative(child(path, 'generation'), m['generation']));
  errs.push(...validateObjectMetaCommon(m, path));
  errs.push(...validateFinalizers(m['finalizers'], child(path, 'finalizers')));
  return errs;
}

const validateObjectMetaCommon = (m: Obj, path: Path): StatusCause[] => [
  ...validateLabels(m['labels'], child(path, 'labels')),
  ...validateAnnotations(m['annotations'], child(path, 'annotations')),
  ...validateOwnerReferences(m['ownerReferences'], child(path, 'ownerReferences')),
];

export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path: Path = 'metadata'): StatusCause[] {
  const m = asObj(meta);
  const o = asObj(oldMeta);
  const errs: StatusCause[] = [];
  if (o['deletionTimestamp']) {
    const before = new Set(asArray(o['finalizers']));
    const added = [...new Set(asArray(m['finalizers']).filter((f) => !before.has(f)))].map(str).sort();
    if (added.length) {
      errs.push(forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  if (typeof m['generation'] === 'number' && typeof o['generation'] === 'number' && m['generation'] < o['generation']) {
    errs.push(invalid(child(path, 'generation'), m['generation'], 'must not be decremented'));
  }
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp']) errs.push(...immutable(child(path, f), str(m[f]), str(o[f])));
  for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds']) errs.push(...immutable(child(path, f), m[f], o[f]));
  errs.push(...validateObjectMetaCommon(m, path));
  return errs;
}
