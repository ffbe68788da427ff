import { inProcess } from './in-process.ts';
const r = await inProcess({ nodes: Number(process.argv[2] ?? 5000), pods: Number(process.argv[3] ?? 3000) });
console.log(r);
