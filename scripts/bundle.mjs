// Bundles one app entry point into dist/main.mjs.
// Workspace packages (@k8ts/*) are TypeScript sources and are compiled in; every npm dependency
// stays external but is pinned to the absolute path esbuild resolved it to, so the bundle needs
// no node_modules lookup of its own (pnpm keeps each package's dependencies private to it).
import { build } from 'esbuild';

const [entry = 'src/main.ts', outfile = 'dist/main.mjs'] = process.argv.slice(2);

const pinExternals = {
  name: 'pin-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@k8ts/') || args.path.startsWith('node:') || args.pluginData === 'inner') return;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'inner' });
      if (r.errors.length > 0) return { errors: r.errors };
      return { path: r.path, external: true };
    });
  },
};

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [pinExternals],
  banner: { js: "import { createRequire as __k8tsRequire } from 'node:module'; const require = __k8tsRequire(import.meta.url);" },
});
