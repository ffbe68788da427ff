// Label selectors as apimachinery's pkg/labels: the string grammar kubectl's `-l` sends, the
// metav1.LabelSelector form objects carry, matching, and the canonical string form. Messages
// are upstream's (v0.32), since kubectl prints them verbatim after its own prefix.
import type { LabelSelector as LabelSelectorObject } from 'kubernetes-types/meta/v1';
import { badRequest } from './errors.ts';
import { isQualifiedName, isValidLabelValue } from './validation/names.ts';

export type LabelOp = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: LabelOp;
  values: string[];
}

/** A compiled selector; immutable. */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** true when it matches everything (no requirements) */
  readonly empty: boolean;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** Canonical form: requirements sorted by key, set values sorted, as upstream's String(). */
  toString(): string;
}

const BINARY_OPS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPS = [...BINARY_OPS, 'exists', '!'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): undefined when it would fail. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** Go's %#v of a []string, which upstream prints as the bad value of a values error. */
const goStrings = (vs: readonly string[]) => `[]string{${vs.map((v) => JSON.stringify(v)).join(', ')}}`;
const invalidValue = (path: string, bad: string, detail: string) => `${path}: Invalid value: ${bad}: ${detail}`;

/** Problems with a requirement, each as upstream's field error text; [] when valid. */
function requirementErrors(key: string, op: string, values: readonly string[]): string[] {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalidValue('key', JSON.stringify(key), keyErrs.join('; ')));
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidValue('values', goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidValue('values', goStrings(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidValue('values', goStrings(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidValue('values', goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidValue(`values[${i}]`, JSON.stringify(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${JSON.stringify(op)}: supported values: ${ALL_OPS.map((o) => JSON.stringify(o)).join(', ')}`);
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(invalidValue(`values[${i}][${key}]`, JSON.stringify(v), valueErrs.join('; ')));
  });
  return errs;
}

/** utilerrors.Aggregate's message: one error alone, otherwise `[a, b]` without duplicates. */
export function aggregateMessage(errs: readonly string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

/** A validated requirement; throws the aggregated error text as upstream's NewRequirement. */
export function newRequirement(key: string, op: LabelOp, values: readonly string[]): Requirement {
  const errs = requirementErrors(key, op, values);
  if (errs.length) throw new Error(aggregateMessage(errs));
  return { key, op, values: [...values] };
}

function matchRequirement(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.op) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const have = value === undefined ? undefined : parseInt64(value);
      const want = r.values.length === 1 ? parseInt64(r.values[0] ?? '') : undefined;
      if (have === undefined || want === undefined) return false;
      return r.op === 'gt' ? have > want : have < want;
    }
  }
}

const OP_TEXT: Record<LabelOp, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' };

function requirementString(r: Requirement): string {
  const head = `${r.op === '!' ? '!' : ''}${r.key}`;
  if (r.op === 'exists' || r.op === '!') return head;
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  return r.op === 'in' || r.op === 'notin' ? `${head}${OP_TEXT[r.op]}(${values})` : `${head}${OP_TEXT[r.op]}${values}`;
}

class RequirementsSelector implements LabelSelector {
  readonly requirements: readonly Requirement[];
  constructor(reqs: Requirement[]) {
    // Stable sort by key gives the deterministic order upstream's String() relies on.
    this.requirements = Object.freeze([...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }
  get empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    // A plain loop, no closure per call: the scheduler matches selectors against every pod of
    // every node in a cycle (pod topology spread, inter-pod affinity).
    for (const r of this.requirements) if (!matchRequirement(r, labels)) return false;
    return true;
  }
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

export const everything: LabelSelector = new RequirementsSelector([]);

/** The nil selector: selects no object at all. */
export const nothing: LabelSelector = Object.freeze({
  requirements: Object.freeze([]) as readonly Requirement[],
  empty: false,
  matches: () => false,
  toString: () => '',
});

/** A selector from requirements already validated (e.g. by newRequirement). */
export const selectorFromRequirements = (reqs: Requirement[]): LabelSelector => new RequirementsSelector(reqs);

/** Exact match on every pair, as upstream's SelectorFromSet; an empty set selects everything. */
export const selectorFromSet = (set: Readonly<Record<string, string>> | undefined): LabelSelector =>
  new RequirementsSelector(Object.entries(set ?? {}).map(([key, v]) => ({ key, op: '=' as const, values: [v] })));

const EXPRESSION_OPS: Record<string, LabelOp> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** metav1.LabelSelectorAsSelector: null/undefined selects nothing, `{}` everything; invalid → 400. */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return nothing;
  const reqs: Requirement[] = [];
  try {
    for (const [key, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(key, '=', [v]));
    for (const e of sel.matchExpressions ?? []) {
      const op = EXPRESSION_OPS[e.operator];
      if (!op) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(e.key, op, e.values ?? []));
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return new RequirementsSelector(reqs);
}

export { parseLabelSelector } from './labels-parse.ts';
