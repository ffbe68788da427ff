// The snapshot the cache hands out (the framework's Snapshot, as upstream's internal/cache
// Snapshot). Unlike NodeSnapshot it is built from the previous one: with thousands of nodes and
// one or two changed per cycle, re-listing every node each cycle would dominate the cycle. Each
// snapshot is still immutable — the next one shares the unchanged NodeInfos and copies the rest.
//
// The numbers Filter and Score read on every node (NodeInfo.amount) are packed into one table in
// node order, so that a cycle walking the nodes reads consecutive memory rather than one
// scattered object per node (bench/scheduler/framework.ts at 5,000 nodes: 1.3–1.7× the pods/s). A
// replaced node's copy keeps its numbers apart until enough nodes have been replaced, then the
// next snapshot packs them all again.
import { ImageSpread } from '../framework/images.ts';
import { AMOUNTS, type NodeInfo } from '../framework/node-info.ts';
import type { Snapshot } from '../framework/types.ts';

type Labels = Readonly<Record<string, string>>;

/** Repack once more than this share of the nodes were replaced since the last packing. */
const REPACK_FRACTION = 1 / 8;

/** Moves every node's amounts into one new table, in node order. */
function pack(nodeInfos: readonly NodeInfo[]): void {
  const table = new Float64Array(nodeInfos.length * AMOUNTS);
  nodeInfos.forEach((n, i) => n.moveAmounts(table, i * AMOUNTS));
}

const withAffinity = (n: NodeInfo) => n.podsWithAffinity.length > 0;
const withRequiredAnti = (n: NodeInfo) => n.podsWithRequiredAntiAffinity.length > 0;

export class CacheSnapshot implements Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  readonly havePodsWithAffinity: readonly NodeInfo[];
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
  /** Node name → position in nodeInfos; shared by snapshots over the same node list. */
  readonly #index: ReadonlyMap<string, number>;
  readonly #namespaces: ReadonlyMap<string, Labels>;
  /** Shared with the previous snapshot while no Node object changed. */
  readonly #images: ImageSpread;
  /** NodeInfos replaced since the amounts were last packed (a replacement has its own). */
  readonly #unpacked: number;

  private constructor(
    nodeInfos: readonly NodeInfo[],
    index: ReadonlyMap<string, number>,
    namespaces: ReadonlyMap<string, Labels>,
    affinity: readonly NodeInfo[],
    anti: readonly NodeInfo[],
    images: ImageSpread,
    unpacked: number,
  ) {
    if (unpacked > nodeInfos.length * REPACK_FRACTION) {
      pack(nodeInfos);
      unpacked = 0;
    }
    this.#unpacked = unpacked;
    this.nodeInfos = nodeInfos;
    this.#index = index;
    this.#namespaces = namespaces;
    this.#images = images;
    this.havePodsWithAffinity = affinity;
    this.havePodsWithRequiredAntiAffinity = anti;
  }

  /** A snapshot over `nodeInfos` in that order. */
  static build(nodeInfos: readonly NodeInfo[], namespaces: ReadonlyMap<string, Labels>): CacheSnapshot {
    const index = new Map(nodeInfos.map((n, i) => [n.name, i]));
    return new CacheSnapshot(nodeInfos, index, namespaces, nodeInfos.filter(withAffinity), nodeInfos.filter(withRequiredAnti), new ImageSpread(nodeInfos), Infinity);
  }

  /**
   * This snapshot with some NodeInfos replaced by newer ones of the same nodes (same node list,
   * same order); the affinity lists are re-derived only as far as the replaced nodes require.
   */
  with(replacements: readonly NodeInfo[], namespaces: ReadonlyMap<string, Labels>): CacheSnapshot {
    if (replacements.length === 0)
      return new CacheSnapshot(this.nodeInfos, this.#index, namespaces, this.havePodsWithAffinity, this.havePodsWithRequiredAntiAffinity, this.#images, this.#unpacked);
    const list = [...this.nodeInfos];
    const replaced = new Map<NodeInfo, NodeInfo>();
    let affinityToggled = false;
    let antiToggled = false;
    let nodeChanged = false;
    for (const next of replacements) {
      const i = this.#index.get(next.name)!;
      const prev = list[i]!;
      list[i] = next;
      replaced.set(prev, next);
      affinityToggled ||= withAffinity(prev) !== withAffinity(next);
      antiToggled ||= withRequiredAnti(prev) !== withRequiredAnti(next);
      nodeChanged ||= prev.node !== next.node;
    }
    const derive = (current: readonly NodeInfo[], toggled: boolean, pred: (n: NodeInfo) => boolean) => {
      if (toggled) return list.filter(pred);
      return current.some((n) => replaced.has(n)) ? current.map((n) => replaced.get(n) ?? n) : current;
    };
    return new CacheSnapshot(
      list,
      this.#index,
      namespaces,
      derive(this.havePodsWithAffinity, affinityToggled, withAffinity),
      derive(this.havePodsWithRequiredAntiAffinity, antiToggled, withRequiredAnti),
      nodeChanged ? new ImageSpread(list) : this.#images,
      this.#unpacked + replacements.length,
    );
  }

  get(nodeName: string): NodeInfo | undefined {
    const i = this.#index.get(nodeName);
    return i === undefined ? undefined : this.nodeInfos[i];
  }

  namespaceLabels(name: string): Labels | undefined {
    return this.#namespaces.get(name);
  }

  imageNumNodes(image: string): number {
    return this.#images.numNodes(image);
  }
}
