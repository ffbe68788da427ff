import type { ContainerImage, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeSnapshot } from '../../framework/snapshot.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { ImageLocality, calculatePriority, normalizedImageName } from './index.ts';

const MB = 1024 * 1024;
const podWithImages = (...images: string[]): Pod => makePod('p', { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });

// Upstream's fixture: node1 holds 40MB, 300MB and 2000MB images, node2 250MB and 10MB ones.
const node1: ContainerImage[] = [
  { names: ['gcr.io/40:latest', 'gcr.io/40:v1'], sizeBytes: 40 * MB },
  { names: ['gcr.io/300:latest', 'gcr.io/300:v1'], sizeBytes: 300 * MB },
  { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * MB },
];
const node2: ContainerImage[] = [
  { names: ['gcr.io/250:latest'], sizeBytes: 250 * MB },
  { names: ['gcr.io/10:latest', 'gcr.io/10:v1'], sizeBytes: 10 * MB },
];
const node3: ContainerImage[] = [
  { names: ['gcr.io/600:latest'], sizeBytes: 600 * MB },
  { names: ['docker.io/library/busybox:latest', 'docker.io/library/busybox@sha256:abc'], sizeBytes: 500 * MB },
];

describe('ImageLocality', () => {
  it.each([
    // node1: 40MB × 1/2 = 20MB < 23MB → 0; node2: 250MB × 1/2 = 125MB → 100 × 102 / 1977 = 5
    { name: 'two images on two nodes: the larger one wins', nodes: [node1, node2], pod: podWithImages('gcr.io/40', 'gcr.io/250'), want: [0, 5] },
    // node1: 40MB/2 + 300MB/2 = 170MB over three containers → 100 × 147 / 2977 = 4; node2: 10MB/2 → 0
    { name: 'sizes add up per node', nodes: [node1, node2], pod: podWithImages('gcr.io/40', 'gcr.io/300:v1', 'gcr.io/10:v1'), want: [4, 0] },
    // node1: 2000MB/2 = 1000MB, capped at 1000MB for one container → 100
    { name: 'capped at the max threshold', nodes: [node1, node2], pod: podWithImages('gcr.io/2000'), want: [100, 0] },
    { name: 'no image present', nodes: [node1, node2], pod: podWithImages('gcr.io/nope'), want: [0, 0] },
    // busybox on node3 only (1 of 3): 500MB/3 = 166.67MB → 100 × 143.67 / 977 = 14
    { name: 'short names match the runtime spelling', nodes: [node1, node2, node3], pod: podWithImages('busybox'), want: [0, 0, 14] },
    { name: 'digests match', nodes: [node1, node2, node3], pod: podWithImages('busybox@sha256:abc'), want: [0, 0, 14] },
    // on every node the spread is 1: 600MB → 100 × 577 / 977 = 59
    { name: 'an image on every node counts fully', nodes: [node3, node3], pod: podWithImages('gcr.io/600'), want: [59, 59] },
  ])('$name', ({ nodes, pod, want }) => {
    const snapshot = NodeSnapshot.of(nodes.map((images, i) => makeNode(`node${i + 1}`, { status: { images } })));
    const pl = new ImageLocality({ snapshot: () => snapshot });
    const state = new CycleState();
    expect(pl.preScore(state, pod)).toEqual({ code: 'Success' });
    expect(snapshot.nodeInfos.map((n) => pl.score(state, pod, n))).toEqual(want);
    // Without PreScore (disabled in a profile) Score computes the same.
    expect(snapshot.nodeInfos.map((n) => pl.score(new CycleState(), pod, n))).toEqual(want);
  });

  it('init containers count', () => {
    const snapshot = NodeSnapshot.of([makeNode('n', { status: { images: node1 } })]);
    const pod = makePod('p', { spec: { initContainers: [{ name: 'i', image: 'gcr.io/300' }], containers: [{ name: 'c', image: 'gcr.io/none' }] } });
    // 300MB over 2 containers: 100 × 277 / 1977 = 14
    expect(new ImageLocality({ snapshot: () => snapshot }).score(new CycleState(), pod, snapshot.nodeInfos[0]!)).toBe(14);
  });

  it.each([
    { name: 'official image', image: 'busybox', want: 'docker.io/library/busybox:latest' },
    { name: 'tagged', image: 'busybox:1.36', want: 'docker.io/library/busybox:1.36' },
    { name: 'user image', image: 'bitnami/redis', want: 'docker.io/bitnami/redis:latest' },
    { name: 'explicit docker.io', image: 'docker.io/busybox', want: 'docker.io/library/busybox:latest' },
    { name: 'index.docker.io', image: 'index.docker.io/library/busybox:1', want: 'docker.io/library/busybox:1' },
    { name: 'other registry', image: 'registry.k8s.io/pause:3.10', want: 'registry.k8s.io/pause:3.10' },
    { name: 'registry with port', image: 'localhost:5000/app', want: 'localhost:5000/app:latest' },
    { name: 'localhost', image: 'localhost/app', want: 'localhost/app:latest' },
    { name: 'digest', image: 'nginx@sha256:abc', want: 'docker.io/library/nginx@sha256:abc' },
  ])('normalizedImageName: $name', ({ image, want }) => {
    expect(normalizedImageName(image)).toBe(want);
  });

  it('calculatePriority clamps between the thresholds', () => {
    expect(calculatePriority(0, 1)).toBe(0);
    expect(calculatePriority(23 * MB, 1)).toBe(0);
    expect(calculatePriority(5000 * MB, 1)).toBe(100);
    expect(calculatePriority(5000 * MB, 10)).toBe(49);
  });
});
