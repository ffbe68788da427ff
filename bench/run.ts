// `npm run bench [apiserver|scheduler|controllers|kubelet]`: every benchmark (or the named ones), printed as figures
// and ratios (never asserted).
const SUITES = { apiserver: () => import('./apiserver/run.ts'), scheduler: () => import('./scheduler/run.ts'), controllers: () => import('./controllers/run.ts'), kubelet: () => import('./kubelet/run.ts') } as const;
const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in SUITES)) throw new Error(`unknown benchmark suite ${name}: one of ${Object.keys(SUITES).join(', ')}`);
for (const [name, run] of Object.entries(SUITES)) if (wanted.length === 0 || wanted.includes(name)) await run();
export {};
