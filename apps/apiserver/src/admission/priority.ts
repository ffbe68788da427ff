// Priority admission (upstream plugin/pkg/admission/priority): a new pod's priority comes from
// its PriorityClass — or the class marked globalDefault, or 0 — and never from the client.
// A pod naming a class that does not exist is refused with 403, as upstream.
import { forbidden, type ResourceInfo } from '@k8ts/api';
import type { ResourceStore } from '../registry/store.ts';
import type { KObject } from '../storage/watch-cache.ts';

interface PodPrioritySpec {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

interface PriorityClassFields {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

const DEFAULT_POLICY = 'PreemptLowerPriority';

type Class = KObject & PriorityClassFields;

/**
 * The global default class, worked out again only when the classes change (every pod create asks,
 * and parsing each class every time was most of this admission's cost). The lowest value wins if
 * several claim it, as upstream.
 */
const defaults = new WeakMap<ResourceStore, { revs: string; found: Class | undefined }>();
function globalDefault(classes: ResourceStore): Class | undefined {
  const entries = classes.cache.list(classes.prefix);
  const revs = entries.map((e) => `${e.key}@${e.rev}`).join(' ');
  let memo = defaults.get(classes);
  if (memo?.revs !== revs) {
    const found = entries
      .map((e) => e.obj as Class)
      .filter((pc) => pc.globalDefault === true)
      .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
    defaults.set(classes, (memo = { revs, found }));
  }
  return memo.found;
}

export async function admitPriority(classes: ResourceStore, r: ResourceInfo, pod: KObject): Promise<void> {
  if (r.kind !== 'Pod') return;
  const spec = (pod.spec ?? {}) as PodPrioritySpec;
  await classes.cache.ready;
  let name = spec.priorityClassName ?? '';
  let value = 0;
  let policy = DEFAULT_POLICY;
  if (name) {
    let pc = classes.cache.get(classes.key(undefined, name))?.obj as (KObject & PriorityClassFields) | undefined;
    // The cache may lag a class created a moment ago: etcd has the final word.
    pc ??= (await classes.get(undefined, name).catch(() => undefined)) as (KObject & PriorityClassFields) | undefined;
    if (!pc) throw forbidden({ resource: 'pods' }, String(pod.metadata.name ?? ''), `no PriorityClass with name ${name} was found`);
    value = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? DEFAULT_POLICY;
  } else {
    const d = globalDefault(classes);
    if (d) {
      name = String(d.metadata.name);
      value = d.value ?? 0;
      policy = d.preemptionPolicy ?? DEFAULT_POLICY;
    }
  }
  const podName = String(pod.metadata.name ?? pod.metadata.generateName ?? '');
  if (spec.priority !== undefined && spec.priority !== value) {
    throw forbidden({ resource: 'pods' }, podName,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
    throw forbidden({ resource: 'pods' }, podName,
      `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
  }
  pod.spec = { ...(pod.spec as object), ...(name ? { priorityClassName: name } : {}), priority: value, preemptionPolicy: policy };
}
