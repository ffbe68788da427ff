// The small per-kind defaults of core/v1, scheduling/v1 and the namespace registry.
import { defaultPVCSpec } from './podspec.ts';
import { defaultResourceList } from './resources.ts';
import { defaultPointer, defaultString, isObj, struct, type Obj } from './util.ts';

export function defaultSecret(s: Obj): void {
  defaultString(s, 'type', 'Opaque');
}

/**
 * A namespace is labelled with its own name (so selectors can pick namespaces by name), carries
 * the `kubernetes` finalizer the namespace controller removes once it has emptied it, and is
 * Active until deleted. The label follows the name; a generateName-only namespace gets it later.
 * Upstream adds the finalizer on create only (it may be removed later through /finalize), so an
 * update path must keep the stored spec rather than rely on this.
 */
export function defaultNamespace(ns: Obj): void {
  const metadata = struct(ns, 'metadata');
  const name = metadata['name'];
  if (typeof name === 'string' && name !== '') struct(metadata, 'labels')['kubernetes.io/metadata.name'] = name;
  const spec = struct(ns, 'spec');
  const finalizers: unknown[] = Array.isArray(spec['finalizers']) ? spec['finalizers'] : [];
  if (!finalizers.includes('kubernetes')) spec['finalizers'] = [...finalizers, 'kubernetes'];
  defaultString(struct(ns, 'status'), 'phase', 'Active');
}

/** A node reporting capacity but no allocatable has all of it allocatable. */
export function defaultNode(node: Obj): void {
  const status = node['status'];
  if (!isObj(status)) return;
  defaultResourceList(status, 'capacity');
  defaultResourceList(status, 'allocatable');
  if (status['allocatable'] == null && isObj(status['capacity'])) status['allocatable'] = { ...status['capacity'] };
}

export function defaultPersistentVolumeClaim(pvc: Obj): void {
  defaultPVCSpec(struct(pvc, 'spec'));
  defaultString(struct(pvc, 'status'), 'phase', 'Pending');
}

export function defaultPriorityClass(pc: Obj): void {
  defaultPointer(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}
