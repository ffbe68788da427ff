// Kubelet benchmarks: pod start-up latency on one real node beside raw CRI (real-node.ts), then
// hollow nodes' CPU and memory (hollow.ts). BENCH_KUBELET_PART=real|hollow runs one of them.
// Figures are printed next to their targets, never asserted.
import { hollowNodes } from './hollow.ts';
import { realNode } from './real-node.ts';

const part = process.env.BENCH_KUBELET_PART ?? 'all';
if (!['all', 'real', 'hollow'].includes(part)) throw new Error(`BENCH_KUBELET_PART must be real or hollow, not ${part}`);
if (part !== 'hollow') await realNode();
if (part !== 'real') await hollowNodes();
