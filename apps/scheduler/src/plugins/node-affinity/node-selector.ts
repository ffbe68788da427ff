// Node selector terms as component-helpers' scheduling/corev1/nodeaffinity: terms are ORed, the
// expressions and fields of one term ANDed. A term with neither selects no node; a term that does
// not parse is dropped (the others still count), as upstream's lazy-error selector does.
import { newRequirement, selectorFromRequirements, selectorFromSet, type LabelOp, type LabelSelector } from '@k8ts/api';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from 'kubernetes-types/core/v1';

const LABEL_OPS: Readonly<Record<string, LabelOp>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** The only field a node selector may match on. */
export const NODE_NAME_FIELD = 'metadata.name';

interface FieldRequirement {
  readonly op: 'In' | 'NotIn';
  readonly value: string;
}

/** One parsed term; `undefined` parts were absent from it. */
interface CompiledTerm {
  readonly labels: LabelSelector | undefined;
  readonly fields: readonly FieldRequirement[] | undefined;
}

function compileLabels(reqs: readonly NodeSelectorRequirement[]): LabelSelector {
  return selectorFromRequirements(
    reqs.map((r) => {
      const op = LABEL_OPS[r.operator];
      if (!op) throw new Error(`${JSON.stringify(r.operator)} is not a valid node selector operator`);
      return newRequirement(r.key, op, r.values ?? []);
    }),
  );
}

function compileFields(reqs: readonly NodeSelectorRequirement[]): FieldRequirement[] {
  return reqs.map((r) => {
    if (r.key !== NODE_NAME_FIELD) throw new Error(`${JSON.stringify(r.key)} is not a valid node field selector key`);
    if (r.operator !== 'In' && r.operator !== 'NotIn') throw new Error(`${JSON.stringify(r.operator)} is not a valid node field selector operator`);
    const values = r.values ?? [];
    if (values.length !== 1) throw new Error(`unexpected number of value (${values.length}) for node field selector`);
    return { op: r.operator, value: values[0] ?? '' };
  });
}

/** Throws the first parse error of the term. */
export function compileTerm(term: NodeSelectorTerm): CompiledTerm {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  return {
    labels: exprs.length > 0 ? compileLabels(exprs) : undefined,
    fields: fields.length > 0 ? compileFields(fields) : undefined,
  };
}

export function termMatchesNode(t: CompiledTerm, node: Node): boolean {
  if (!t.labels && !t.fields) return false;
  if (t.labels && !t.labels.matches(node.metadata?.labels ?? {})) return false;
  const name = node.metadata?.name ?? '';
  if (t.fields && !t.fields.every((f) => (f.op === 'In') === (f.value === name))) return false;
  return true;
}

/** Required node selector terms, compiled once; `errors` names the terms that were dropped. */
export class NodeSelectorMatcher {
  readonly #terms: CompiledTerm[] = [];
  readonly errors: string[] = [];

  constructor(terms: readonly NodeSelectorTerm[]) {
    terms.forEach((term, i) => {
      try {
        this.#terms.push(compileTerm(term));
      } catch (e) {
        this.errors.push(`nodeSelectorTerms[${i}]: ${(e as Error).message}`);
      }
    });
  }

  matches(node: Node): boolean {
    return this.#terms.some((t) => termMatchesNode(t, node));
  }
}

/** Whether the node satisfies at least one of the terms (invalid terms never match). */
export const nodeMatchesNodeSelectorTerms = (node: Node, terms: readonly NodeSelectorTerm[]): boolean =>
  new NodeSelectorMatcher(terms).matches(node);

/**
 * What a pod requires of its node: spec.nodeSelector (every label equal) and, when set, the
 * required node affinity terms (upstream's RequiredNodeAffinity).
 */
export class RequiredNodeAffinity {
  readonly #selector: LabelSelector | undefined;
  readonly #affinity: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    const nodeSelector = pod.spec?.nodeSelector;
    this.#selector = nodeSelector && Object.keys(nodeSelector).length > 0 ? selectorFromSet(nodeSelector) : undefined;
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.#affinity = required ? new NodeSelectorMatcher(required.nodeSelectorTerms ?? []) : undefined;
  }

  matches(node: Node): boolean {
    if (this.#selector && !this.#selector.matches(node.metadata?.labels ?? {})) return false;
    return this.#affinity ? this.#affinity.matches(node) : true;
  }
}

// Pods handed around by the scheduler are read-only, so a compiled form can be kept per object.
const requiredByPod = new WeakMap<Pod, RequiredNodeAffinity>();

export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  let r = requiredByPod.get(pod);
  if (!r) requiredByPod.set(pod, (r = new RequiredNodeAffinity(pod)));
  return r;
}

/** Whether the node satisfies the pod's nodeSelector and required node affinity (for preemption, DaemonSets). */
export const podMatchesNodeSelectorAndAffinityTerms = (pod: Pod, node: Node): boolean => requiredNodeAffinity(pod).matches(node);

/** Preferred terms with their weights (upstream's PreferredSchedulingTerms); terms of weight 0 are left out. */
export class PreferredSchedulingTerms {
  readonly #terms: { term: CompiledTerm; weight: number }[] = [];

  /** Throws on the first term that does not parse, as upstream does. */
  constructor(terms: readonly PreferredSchedulingTerm[]) {
    terms.forEach((t, i) => {
      if (t.weight === 0) return;
      try {
        this.#terms.push({ term: compileTerm(t.preference), weight: t.weight });
      } catch (e) {
        throw new Error(`preferredDuringSchedulingIgnoredDuringExecution[${i}].preference: ${(e as Error).message}`);
      }
    });
  }

  /** The sum of the weights of the terms the node matches. */
  score(node: Node): number {
    let sum = 0;
    for (const { term, weight } of this.#terms) if (termMatchesNode(term, node)) sum += weight;
    return sum;
  }
}
