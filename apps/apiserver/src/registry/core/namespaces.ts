// Namespaces (pkg/registry/core/namespace): a name label on every namespace; deletion moves the
// namespace to Terminating and waits for spec.finalizers (the namespace controller's) to empty.
import { forbidden } from '@k8ts/api';
import type { KObject } from '../../storage/watch-cache.ts';
import { DefaultStrategy, type WriteContext } from '../strategy.ts';

export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

const nameLabel = (obj: KObject) => {
  const labels = (obj.metadata.labels ??= {}) as Record<string, string>;
  labels['kubernetes.io/metadata.name'] = String(obj.metadata.name);
};

export class NamespaceStrategy extends DefaultStrategy {
  override readonly returnDeletedObject = true;

  protected override initialStatus(): unknown {
    return { phase: 'Active' };
  }

  override prepareForCreate(obj: KObject, ctx: WriteContext): void {
    super.prepareForCreate(obj, ctx);
    nameLabel(obj);
  }

  override prepareForUpdate(obj: KObject, old: Readonly<KObject>, ctx: WriteContext): void {
    super.prepareForUpdate(obj, old, ctx);
    // spec.finalizers may only change through /finalize.
    obj.spec = structuredClone(old.spec);
    nameLabel(obj);
  }

  pendingFinalizers(obj: Readonly<KObject>): string[] {
    return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).slice();
  }

  checkDelete(obj: Readonly<KObject>): void {
    const name = String(obj.metadata.name);
    if (IMMORTAL_NAMESPACES.has(name)) throw forbidden({ resource: 'namespaces' }, name, 'this namespace may not be deleted');
  }

  prepareForDelete(obj: KObject): void {
    obj.status = { ...(obj.status as object), phase: 'Terminating' };
  }
}
