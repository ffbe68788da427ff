// An immutable view of the nodes for one scheduling cycle (upstream's internal/cache Snapshot).
// The cache builds one before each cycle; tests build one straight from nodes and pods.
import type { Namespace, Node, Pod } from 'kubernetes-types/core/v1';
import { ImageSpread } from './images.ts';
import { NodeInfo } from './node-info.ts';
import type { Snapshot } from './types.ts';

export class NodeSnapshot implements Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  readonly havePodsWithAffinity: readonly NodeInfo[];
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
  readonly #byName: ReadonlyMap<string, NodeInfo>;
  readonly #namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly #images: ImageSpread;

  constructor(nodeInfos: readonly NodeInfo[], namespaces: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map()) {
    this.nodeInfos = nodeInfos;
    this.havePodsWithAffinity = nodeInfos.filter((n) => n.podsWithAffinity.length > 0);
    this.havePodsWithRequiredAntiAffinity = nodeInfos.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    this.#byName = new Map(nodeInfos.map((n) => [n.name, n]));
    this.#namespaces = namespaces;
    this.#images = new ImageSpread(nodeInfos);
  }

  get(nodeName: string): NodeInfo | undefined {
    return this.#byName.get(nodeName);
  }

  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined {
    return this.#namespaces.get(name);
  }

  imageNumNodes(image: string): number {
    return this.#images.numNodes(image);
  }

  /** For tests: nodes, and pods placed by their spec.nodeName (pods with none are ignored). */
  static of(nodes: readonly Node[], pods: readonly Pod[] = [], namespaces: readonly Namespace[] = []): NodeSnapshot {
    const infos = nodes.map((n) => new NodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata?.name)));
    return new NodeSnapshot(infos, new Map(namespaces.map((ns) => [ns.metadata?.name ?? '', ns.metadata?.labels ?? {}])));
  }
}
