// Image references in the one spelling the runtimes report in node.status.images, so that a pod's
// `busybox` finds the node's `docker.io/library/busybox:latest` (docker's reference normalization:
// default registry docker.io, its official images under library/, default tag latest).
import type { Node } from 'kubernetes-types/core/v1';

const DEFAULT_DOMAIN = 'docker.io';

export function normalizedImageName(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : '';
  const slash = named.indexOf('/');
  const first = slash >= 0 ? named.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : DEFAULT_DOMAIN;
  let path = hasDomain ? named.slice(slash + 1) : named;
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  const hasTag = path.lastIndexOf(':') > path.lastIndexOf('/');
  return `${domain}/${path}${!hasTag && !digest ? ':latest' : ''}${digest}`;
}

// Node objects from the cache are replaced, never changed, on update: one index per object holds.
const imagesByNode = new WeakMap<Node, ReadonlyMap<string, number>>();

/** The images a node reports, by normalized name, with their sizes in bytes. */
export function nodeImages(node: Node): ReadonlyMap<string, number> {
  let m = imagesByNode.get(node);
  if (!m) {
    const built = new Map<string, number>();
    for (const image of node.status?.images ?? []) for (const name of image.names ?? []) built.set(normalizedImageName(name), image.sizeBytes ?? 0);
    imagesByNode.set(node, (m = built));
  }
  return m;
}

/**
 * How many of a snapshot's nodes hold each image (upstream's ImageStateSummary.NumNodes), counted
 * the first time an image is asked for. Node objects only change with a Node update, so snapshots
 * that differ only in pods share one of these.
 */
export class ImageSpread {
  readonly #counts = new Map<string, number>();
  /**
   * The Node objects alone: keeping the NodeInfos would pin that snapshot's copies of them, pods
   * and all, for as long as later snapshots share this.
   */
  readonly #nodes: readonly (Node | undefined)[];

  constructor(nodeInfos: readonly { readonly node: Node | undefined }[]) {
    this.#nodes = nodeInfos.map((ni) => ni.node);
  }

  numNodes(image: string): number {
    let n = this.#counts.get(image);
    if (n === undefined) {
      n = 0;
      for (const node of this.#nodes) if (node && nodeImages(node).has(image)) n++;
      this.#counts.set(image, n);
    }
    return n;
  }
}
