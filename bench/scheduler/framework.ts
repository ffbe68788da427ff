// Figure (c) alone, for profiling the framework: `npx tsx bench/scheduler/framework.ts [nodes] [pods]`
// (add `node --cpu-prof --import tsx …` to see where the time goes).
import { inProcess } from './in-process.ts';

const r = await inProcess({ nodes: Number(process.argv[2] ?? 5000), pods: Number(process.argv[3] ?? 10000) });
console.log(`${r.scheduled} pods on ${process.argv[2] ?? 5000} nodes: ${r.perSecond.toFixed(0)}/s, cycle p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
