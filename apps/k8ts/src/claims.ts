// Host-wide node indices. Node i owns host-wide names — bridge k8ts<i>, pod CIDR 10.244.<i>.0/24,
// cgroup subtree /k8ts/k8ts-node-<i> (whose tear-down kills every process in it) — so two clusters
// on one machine (a user's and an e2e run's, say) must never both run a node i. `up` claims each
// index with a file /run/k8ts/nodes/<i> naming its state directory; tear-down releases it. A
// claim whose state directory no longer holds a state.json is stale (that run is gone) and may be
// taken over; one whose run still has state stays taken even if its processes died, as its
// leftovers (pods, cgroups, bridge) are still there until that run's `down`. /run is a tmpfs, so a
// reboot — which also drops bridges, routes and cgroups — forgets every claim.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const CLAIM_DIR = '/run/k8ts/nodes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Runs `fn` holding the claim directory's lock (a directory: mkdir is atomic). */
async function locked<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.lock');
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      // A release that found the directory empty may have removed it meanwhile.
      if (errno(err) === 'ENOENT') {
        await mkdir(dir, { recursive: true });
        continue;
      }
      if (errno(err) !== 'EEXIST') throw err;
      // A holder that died mid-claim leaves the lock behind; claims take milliseconds.
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 30_000) await rmdir(lock).catch(() => undefined);
      if (i > 1_000) throw new Error(`${lock} stays locked; remove it if no \`k8ts up\` is running`);
      await sleep(10);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

const ownerOf = (file: string) => readFile(file, 'utf8').then((s) => s.trim(), () => undefined);

export interface ClaimOptions {
  /** the claiming run's state directory (absolute) */
  stateDir: string;
  /** first index to try; default 0 */
  from?: number;
  /** last index to try; default 99 */
  to?: number;
  /** How many indices to claim. */
  count: number;
  /** Indices in use by something that claims nothing (a leftover bridge, an older k8ts): skipped. */
  busy?: (index: number) => Promise<boolean>;
  dir?: string;
}

/** Claims `count` free indices (lowest first) for `stateDir`; returns them. All or nothing. */
export async function claimNodeIndices(o: ClaimOptions): Promise<number[]> {
  const dir = o.dir ?? CLAIM_DIR;
  const from = o.from ?? 0;
  const to = o.to ?? 99;
  return locked(dir, async () => {
    const got: number[] = [];
    for (let i = from; i <= to && got.length < o.count; i++) {
      const file = join(dir, String(i));
      const owner = await ownerOf(file);
      if (owner !== undefined && owner !== o.stateDir && existsSync(join(owner, 'state.json'))) continue;
      if (owner !== o.stateDir && (await o.busy?.(i))) continue;
      await writeFile(file, `${o.stateDir}\n`);
      got.push(i);
    }
    if (got.length < o.count) {
      for (const i of got) await unlink(join(dir, String(i))).catch(() => undefined);
      throw new Error(`only ${got.length} of ${o.count} node indices in ${from}-${to} are free (claims in ${dir}); another k8ts cluster's nodes use the rest`);
    }
    return got;
  });
}

/** Releases index `i` if `stateDir` holds it; removes the claim directories once empty. */
export async function releaseNodeIndex(stateDir: string, index: number, dir = CLAIM_DIR): Promise<void> {
  if (!existsSync(dir)) return;
  await locked(dir, async () => {
    const file = join(dir, String(index));
    if ((await ownerOf(file)) === stateDir) await unlink(file).catch(() => undefined);
  });
  for (const d of [dir, dirname(dir)]) {
    try {
      await rmdir(d);
    } catch (err) {
      if (errno(err) !== 'ENOENT') return; // ENOTEMPTY: another cluster's claims, or its lock
    }
  }
}

/** Node indices some run still claims (after our own release: other clusters' nodes). */
export async function claimedIndices(dir = CLAIM_DIR): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

// The blackhole routes are shared by every cluster on the host: the first `up` adds them, and the
// last `down` — whichever cluster that is — removes them. The ranges k8ts itself added are listed
// in /run/k8ts/blackholes, so a route someone else made is never taken away.
const routesFile = (dir: string) => join(dirname(dir), 'blackholes');

/** Records ranges whose blackhole route k8ts added. */
export async function noteBlackholes(cidrs: readonly string[], dir = CLAIM_DIR): Promise<void> {
  if (cidrs.length === 0) return;
  await locked(dir, async () => {
    const known = new Set(await notedBlackholes(dir));
    for (const c of cidrs) known.add(c);
    await writeFile(routesFile(dir), `${[...known].join('\n')}\n`);
  });
}

export async function notedBlackholes(dir = CLAIM_DIR): Promise<string[]> {
  return (await readFile(routesFile(dir), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** Hands the noted ranges to the caller and forgets them (the last cluster removes the routes). */
export async function takeBlackholes(dir = CLAIM_DIR): Promise<string[]> {
  if (!existsSync(routesFile(dir))) return [];
  const noted = await locked(dir, async () => {
    const list = await notedBlackholes(dir);
    await unlink(routesFile(dir)).catch(() => undefined);
    return list;
  });
  // The last cluster out leaves no /run/k8ts behind.
  for (const d of [dir, dirname(dir)]) if (!(await rmdir(d).then(() => true, () => false))) break;
  return noted;
}
