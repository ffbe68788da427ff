// NamespaceLifecycle admission: nothing is created in a namespace that does not exist or is
// being deleted.
import { forbidden, notFound, type ResourceInfo } from '@k8ts/api';
import type { ResourceStore } from '../registry/store.ts';
import type { KObject } from '../storage/watch-cache.ts';

export async function admitNamespace(namespaces: ResourceStore, r: ResourceInfo, obj: Readonly<KObject>): Promise<void> {
  if (!r.namespaced) return;
  const ns = String(obj.metadata.namespace);
  await namespaces.cache.ready;
  let current = namespaces.cache.get(namespaces.key(undefined, ns))?.obj;
  // The cache may lag a namespace created a moment ago: etcd has the final word.
  if (!current) current = await namespaces.get(undefined, ns).catch(() => undefined);
  if (!current) throw notFound({ resource: 'namespaces' }, ns);
  const phase = (current.status as { phase?: string } | undefined)?.phase;
  if (current.metadata.deletionTimestamp || phase === 'Terminating') {
    throw forbidden({ group: r.group, resource: r.plural }, String(obj.metadata.name ?? ''), `unable to create new content in namespace ${ns} because it is being terminated`);
  }
}
