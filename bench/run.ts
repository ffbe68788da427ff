// `npm run bench`: every benchmark, printed as figures and ratios (never asserted).
await import('./apiserver/run.ts');
export {};
