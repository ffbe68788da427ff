// The narrow port through which the node agent reaches the API server, and its Client adapter.
import { isApiError, resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import type { Client } from '@k8ts/client';
import type { Node, NodeStatus } from 'kubernetes-types/core/v1';

export interface NodeApi {
  /** undefined when no such Node exists. */
  get(name: string): Promise<Node | undefined>;
  /** Rejects with AlreadyExists (409) if it exists. */
  create(node: Node): Promise<Node>;
  /** Merge-patches metadata.labels. */
  patchLabels(name: string, labels: Record<string, string>): Promise<Node>;
  /** Merge-patches nodes/<name>/status with the whole status: lists are replaced, maps merged. */
  patchStatus(name: string, status: NodeStatus): Promise<Node>;
}

const NODES = resourceFor('', 'v1', 'nodes') as ResourceInfo;

export const nodeApi = (client: Pick<Client, 'get' | 'create' | 'patch'>): NodeApi => ({
  async get(name) {
    try {
      return await client.get<Node>(NODES, name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  },
  create: (node) => client.create<Node>(NODES, node),
  patchLabels: (name, labels) => client.patch<Node>(NODES, name, { metadata: { labels } }, 'merge'),
  patchStatus: (name, status) => client.patch<Node>(NODES, name, { status }, 'merge', { subresource: 'status' }),
});
