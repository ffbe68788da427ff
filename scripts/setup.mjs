// Brings a checkout to a runnable state, installing only what is missing:
// Node ≥ 20 (checked), pnpm 10 (npm i -g), workspace dependencies (pnpm install), the Debian
// packages of PACKAGES (apt-get), and the app bundles (pnpm turbo run build). Idempotent; when nothing is
// missing it spawns only one dpkg-query and finishes in well under a second.
// Used by ./k8ts and by `npm test`; run it directly with `npm run setup`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILD_STAMP = join(repoRoot, 'node_modules/.k8ts-build-stamp');
export const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';

export class SetupError extends Error {
  name = 'SetupError';
}

const say = (line) => process.stdout.write(`${line}\n`);

/** Runs a command with inherited output; throws a SetupError naming it when it fails. */
function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (r.error) throw new SetupError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`\`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal})`);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch { /* keep looking */ }
  }
  return undefined;
}

const isRoot = () => process.getuid?.() === 0;

let stepsRun = 0;

/** Times one step and prints `✓ <done> (1.2s)`. */
function step(start, done, fn) {
  stepsRun++;
  say(`• ${start}`);
  const t0 = performance.now();
  fn();
  say(`✓ ${done} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) throw new SetupError(`Node.js 20 or newer is required, this is ${process.version}`);
}

/** The pnpm that package.json's `packageManager` names, else the latest pnpm 10. */
function wantedPnpm() {
  const pm = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).packageManager ?? '';
  return `pnpm@${/^pnpm@([^+]+)/.exec(pm)?.[1] ?? '10'}`;
}

function ensurePnpm() {
  if (onPath('pnpm')) return;
  const pkg = wantedPnpm();
  step(`installing ${pkg} (npm i -g)`, 'pnpm installed', () => {
    try {
      run('npm', ['install', '--global', pkg]);
    } catch (err) {
      throw new SetupError(`${err.message}; installing pnpm globally needs root (or a writable npm prefix)`);
    }
    if (!onPath('pnpm')) throw new SetupError(`pnpm was installed but is not on PATH (npm prefix: ${spawnSync('npm', ['prefix', '-g']).stdout})`);
  });
}

/** pnpm keeps a copy of the lockfile it installed from; identical means nothing to install. */
function ensureDependencies() {
  const installed = join(repoRoot, 'node_modules/.pnpm/lock.yaml');
  const lock = join(repoRoot, 'pnpm-lock.yaml');
  if (existsSync(installed) && readFileSync(installed).equals(readFileSync(lock))) return;
  step('installing workspace dependencies (pnpm install --frozen-lockfile)', 'dependencies installed', () =>
    run('pnpm', ['install', '--frozen-lockfile'], { CI: 'true' }),
  );
}

/**
 * The Debian packages the cluster runs on, each found by a file it installs: etcd for the API
 * server; containerd, runc, the CNI plugins, a static busybox (the base of the images built
 * locally, as no registry is reachable), iptables (nf_tables) and iproute2 for the nodes. One
 * apt-get run installs what is missing.
 */
const PACKAGES = [
  { pkg: 'etcd-server', file: ETCD_BINARY },
  { pkg: 'etcd-client', file: '/usr/bin/etcdctl' },
  { pkg: 'containerd', file: '/usr/bin/containerd' },
  { pkg: 'runc', file: '/usr/sbin/runc' },
  { pkg: 'containernetworking-plugins', file: '/usr/lib/cni/bridge' },
  { pkg: 'busybox-static', file: '/bin/busybox' },
  // the nf_tables iptables (the CNI firewall and portmap plugins, k8ts's clean-up) and `ip` (routes, bridges)
  { pkg: 'iptables', file: '/usr/sbin/xtables-nft-multi' },
  { pkg: 'iproute2', file: '/sbin/ip' },
];

/**
 * The packages not installed as such (a dynamic busybox at /bin/busybox is not busybox-static):
 * a missing file settles it; otherwise one dpkg-query asks about all of them.
 */
function missingPackages() {
  const absent = PACKAGES.filter((p) => !existsSync(p.file) && !(p.pkg === 'etcd-client' && onPath('etcdctl')));
  if (absent.length > 0 || !onPath('dpkg-query')) return absent;
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...PACKAGES.map((p) => p.pkg)], { encoding: 'utf8' });
  const ok = new Set(r.stdout.split('\n').filter((l) => l.endsWith('install ok installed')).map((l) => l.split(' ')[0]));
  return PACKAGES.filter((p) => !ok.has(p.pkg));
}

function ensurePackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const hint = `install the Debian/Ubuntu packages ${names.join(', ')}`;
  if (!onPath('apt-get')) throw new SetupError(`${names.join(', ')} missing and apt-get is not available: ${hint}`);
  if (!isRoot()) throw new SetupError(`${names.join(', ')} missing and installing with apt-get needs root: run as root, or ${hint}`);
  step(`installing ${names.join(', ')} (apt-get)`, 'system packages installed', () => {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-q'], env);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], env);
  });
  for (const p of missing) if (!existsSync(p.file)) throw new SetupError(`${p.pkg} is installed but ${p.file} does not exist`);
}

/** Every app whose package.json has a `build` script bundles to apps/<x>/dist/main.mjs. */
function bundles() {
  const apps = join(repoRoot, 'apps');
  return readdirSync(apps)
    .filter((a) => existsSync(join(apps, a, 'package.json')))
    .filter((a) => JSON.parse(readFileSync(join(apps, a, 'package.json'), 'utf8')).scripts?.build)
    .map((a) => join(apps, a, 'dist/main.mjs'));
}

/** A digest of everything a bundle is made from: sources (not tests), build scripts, manifests, lockfile, bundler. */
function buildInputsDigest() {
  const hash = createHash('sha256');
  const add = (file) => hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts')) add(p);
    }
  };
  for (const top of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(repoRoot, top)).sort()) {
      const dir = join(repoRoot, top, pkg);
      if (existsSync(join(dir, 'package.json'))) add(join(dir, 'package.json'));
      for (const sub of ['src', 'scripts']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
    }
  }
  for (const f of ['pnpm-lock.yaml', 'scripts/bundle.mjs', 'turbo.json']) add(join(repoRoot, f));
  return hash.digest('hex');
}

function ensureBuilt() {
  const digest = buildInputsDigest();
  const stamp = existsSync(BUILD_STAMP) ? readFileSync(BUILD_STAMP, 'utf8') : '';
  if (stamp === digest && bundles().every((b) => existsSync(b))) return;
  step('building (pnpm turbo run build)', 'built', () =>
    run('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only'], { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }),
  );
  const missing = bundles().filter((b) => !existsSync(b));
  if (missing.length > 0) throw new SetupError(`the build did not produce ${missing.map((m) => relative(repoRoot, m)).join(', ')}`);
  writeFileSync(BUILD_STAMP, digest);
}

/** Installs and builds whatever is missing; returns how many steps had work to do. */
export function setup() {
  stepsRun = 0;
  checkNode();
  ensurePnpm();
  ensureDependencies();
  ensurePackages();
  ensureBuilt();
  return stepsRun;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (setup() > 0) say('✓ set-up complete');
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    process.stderr.write(`✗ set-up failed: ${err.message}\n`);
    process.exit(1);
  }
}
