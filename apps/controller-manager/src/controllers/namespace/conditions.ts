// The conditions the namespace deleter keeps on a terminating namespace (upstream's
// status_condition_utils.go): five types, each True with a reason and message while something
// is wrong, and False with a fixed "all is well" reason and message otherwise.
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1';

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

export interface Failure {
  type: ConditionType;
  reason: string;
  message: string;
}

/** Failures seen during one pass, turned into conditions at the end. */
export class ConditionUpdater {
  readonly #failures: Failure[] = [];
  readonly #contentErrors: string[] = [];

  discoveryFailed(failed: readonly { groupVersion: string; message: string }[]): void {
    const detail = failed.map((f) => `${f.groupVersion}: ${f.message}`).sort().join(', ');
    this.#failures.push({
      type: 'NamespaceDeletionDiscoveryFailure', reason: 'DiscoveryFailed',
      message: `Discovery failed for some groups, ${failed.length} failing: unable to retrieve the complete list of server APIs: ${detail}`,
    });
  }

  groupVersionFailed(message: string): void {
    this.#failures.push({ type: 'NamespaceDeletionGroupVersionParsingFailure', reason: 'GroupVersionParsingFailed', message });
  }

  contentFailed(message: string): void {
    this.#contentErrors.push(message);
  }

  /** What remains: counts per resource ("pods." for the core group) and per finalizer. */
  remaining(byResource: ReadonlyMap<string, number>, byFinalizer: ReadonlyMap<string, number>): void {
    const resources = [...byResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
    if (byResource.size) {
      this.#failures.push({ type: 'NamespaceContentRemaining', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` });
    }
    const finalizers = [...byFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
    if (byFinalizer.size) {
      this.#failures.push({
        type: 'NamespaceFinalizersRemaining', reason: 'SomeFinalizersRemain',
        message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
      });
    }
  }

  /** Sets every condition on `ns` (a copy the caller owns); true when anything changed. */
  apply(ns: Namespace, now: string): boolean {
    const failures = [...this.#failures];
    if (this.#contentErrors.length && !failures.some((f) => f.type === 'NamespaceDeletionContentFailure')) {
      const msgs = [...this.#contentErrors].sort();
      failures.push({
        type: 'NamespaceDeletionContentFailure', reason: 'ContentDeletionFailed',
        message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
      });
    }
    const status = (ns.status ??= {});
    const conditions: NamespaceCondition[] = (status.conditions ??= []);
    let changed = false;
    for (const type of CONDITION_TYPES) {
      const f = failures.find((x) => x.type === type);
      const want = f ? { status: 'True', reason: f.reason, message: f.message } : { status: 'False', ...OK[type] };
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push({ type, ...want, lastTransitionTime: now });
        changed = true;
      } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
        if (old.status !== want.status) old.lastTransitionTime = now;
        Object.assign(old, want);
        changed = true;
      }
    }
    return changed;
  }
}
