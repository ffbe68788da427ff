// The pods-by-node index both node controllers read. The pod informer is shared, so the index is
// added once, whichever of them is built first.
import type { Lister } from '@k8ts/client';
import type { Pod } from 'kubernetes-types/core/v1';
import { POD_NODE_INDEX } from './sync.ts';

const indexed = new WeakSet<Lister<Pod>>();

export function ensurePodNodeIndex(pods: Lister<Pod>): void {
  if (indexed.has(pods)) return;
  pods.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  indexed.add(pods);
}
