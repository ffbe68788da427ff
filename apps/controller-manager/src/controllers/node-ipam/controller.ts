// node-ipam-controller: gives every node a pod subnet from the cluster CIDR (upstream's
// nodeipam controller with the RangeAllocator). Node events only enqueue the node's name.
import { resourceFor } from '@k8ts/api';
import { isTombstone, type Client, type EventRecorder } from '@k8ts/client';
import type { Node } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { CidrSet } from './cidr-set.ts';
import { NodeIpamSync, type NodeCidrPort } from './sync.ts';

export const NODES = resourceFor('', 'v1', 'nodes')!;

export class ApiNodeCidrPort implements NodeCidrPort {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  async patchNodeCIDRs(node: string, cidrs: string[]): Promise<void> {
    await this.client.patch(NODES, node, { spec: { podCIDR: cidrs[0], podCIDRs: cidrs } }, 'strategic');
  }

  nodeEvent(node: Node, reason: string, message: string): void {
    const name = node.metadata?.name ?? '';
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } }, 'Normal', reason, message);
  }
}

export class NodeIpamController implements Controller {
  readonly name = 'node-ipam-controller';
  readonly syncer: NodeIpamSync;
  readonly #workers: KeyedWorkers;
  readonly #enabled: boolean;

  constructor(ctx: ControllerContext, port?: NodeCidrPort) {
    this.#enabled = ctx.config.allocateNodeCIDRs;
    const nodes = ctx.informers.for<Node>('', 'v1', 'nodes');
    this.syncer = new NodeIpamSync({
      nodes: nodes.lister,
      cidrs: new CidrSet(ctx.config.clusterCIDR, ctx.config.nodeCIDRMaskSize),
      port: port ?? new ApiNodeCidrPort(ctx.client, ctx.recorder('cidrAllocator')),
    });
    // One worker: allocation reads and changes one shared set.
    this.#workers = new KeyedWorkers({ name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: 1, sync: (k) => this.syncer.sync(k) });
    nodes.addEventHandler({
      onAdd: (n) => this.#workers.enqueue(n),
      onUpdate: (_o, n) => this.#workers.enqueue(n),
      onDelete: (n) => this.#workers.enqueue(isTombstone(n) ? n.key : n),
    });
  }

  /** Does nothing but wait when --allocate-node-cidrs is off, as upstream. */
  async run(signal: AbortSignal): Promise<void> {
    if (!this.#enabled) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return;
    }
    this.syncer.occupyExisting();
    await this.#workers.run(signal);
  }
}
