// ImageLocality (upstream plugins/imagelocality): prefers nodes that already hold the pod's
// images, weighing each image by its size and by how widely it is spread over the cluster (an
// image on every node says little about this one), so that big pulls are avoided without piling
// pods onto the few nodes that have a rare image.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SUCCESS, type Status } from '../../framework/status.ts';
import { MAX_NODE_SCORE, type CycleState, type Handle, type PluginFactory, type PreScorePlugin, type ScorePlugin, type StateData } from '../../framework/types.ts';
import { nodeImages, normalizedImageName } from '../../framework/images.ts';

export { nodeImages, normalizedImageName } from '../../framework/images.ts';

export const NAME = 'ImageLocality';
const PRE_SCORE_KEY = `PreScore${NAME}`;

const MB = 1024 * 1024;
/** Below this sum a node scores 0: small images are cheap to pull anyway. */
export const MIN_THRESHOLD = 23 * MB;
/** Per container; the sum is capped at this times the number of containers. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** The pod's images (init containers first), normalized, with how many nodes of the cluster hold each. */
class PreScoreState implements StateData {
  constructor(
    readonly images: readonly string[],
    readonly numNodes: ReadonlyMap<string, number>,
    readonly totalNodes: number,
  ) {}
  /** Whether any node holds any of the images. */
  get anywhere(): boolean {
    for (const n of this.numNodes.values()) if (n > 0) return true;
    return false;
  }
  clone(): StateData {
    return this;
  }
}

const podImages = (pod: Pod): string[] =>
  [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));

/** Maps the summed image score onto 0..100 between the thresholds. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = NAME;

  constructor(private readonly handle: Pick<Handle, 'snapshot'>) {}

  /** The pod's images and, over every node of the snapshot (not only the feasible ones), their holders. */
  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, this.#prepare(pod));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY) ?? this.#prepare(pod);
    if (!s.anywhere) return 0; // no node holds any of the images: every node scores 0
    const onNode = nodeInfo.node ? nodeImages(nodeInfo.node) : new Map<string, number>();
    let sum = 0;
    for (const image of s.images) {
      const size = onNode.get(image);
      if (size === undefined) continue;
      sum += Math.trunc(size * ((s.numNodes.get(image) ?? 0) / s.totalNodes));
    }
    return calculatePriority(sum, s.images.length);
  }

  #prepare(pod: Pod): PreScoreState {
    const images = podImages(pod);
    const snapshot = this.handle.snapshot();
    return new PreScoreState(images, new Map(images.map((image) => [image, snapshot.imageNumNodes(image)])), snapshot.nodeInfos.length);
  }
}

export const factory: PluginFactory = (_args, handle) => new ImageLocality(handle);
