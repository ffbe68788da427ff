// What the nodes change on the host besides their own directories, and how it is put back:
// blackhole routes for the pod and service ranges, the CNI bridges, the CNI plugins' iptables
// chains, one isolation rule per node, and net.ipv4.ip_forward (the bridge plugin turns it on).
// Commands run through an `Exec` so the decisions are unit-tested; the plans are pure functions.
// iptables here is the nf_tables variant: iptables-legacy is never called (listing with it once
// leaves a legacy table behind that cannot be removed).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

export const POD_RANGE = '10.244.0.0/16';
export const SERVICE_RANGE = '10.96.0.0/16';
/** Must hold before any node starts: traffic to a pod or service address never leaves the host. */
export const BLACKHOLES = [POD_RANGE, SERVICE_RANGE] as const;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a command without a shell; never throws for a non-zero exit. */
export type Exec = (command: string, args: readonly string[]) => Promise<ExecResult>;

export const exec: Exec = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
  });

const failed = (what: string, r: ExecResult) => new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);

// ---------------------------------------------------------------------------------------------
// Routes

/**
 * Adds `unreachable <cidr>` for each range; returns the ones this call created. A range that
 * already has a route is fine only when that route is itself unreachable/blackhole/prohibit —
 * any other route there (via a gateway, say) is refused, as it would let pod traffic out.
 */
export async function ensureBlackholes(run: Exec = exec, cidrs: readonly string[] = BLACKHOLES): Promise<string[]> {
  const created: string[] = [];
  try {
    for (const cidr of cidrs) {
      const r = await run('ip', ['route', 'add', 'unreachable', cidr]);
      if (r.code === 0) {
        created.push(cidr);
        continue;
      }
      if (!/File exists/i.test(r.stderr)) throw failed(`ip route add unreachable ${cidr}`, r);
      const shown = await run('ip', ['route', 'show', 'exact', cidr]);
      if (!/^(unreachable|blackhole|prohibit)\s/m.test(shown.stdout)) {
        throw new Error(`${cidr} already has a route that is not a blackhole (\`${shown.stdout.trim()}\`); k8ts will not start nodes beside it`);
      }
    }
  } catch (err) {
    await removeBlackholes(run, created);
    throw err;
  }
  return created;
}

/** Removes the routes `ensureBlackholes` created (and only those); an absent one is fine. */
export async function removeBlackholes(run: Exec = exec, cidrs: readonly string[]): Promise<void> {
  for (const cidr of cidrs) {
    const r = await run('ip', ['route', 'del', 'unreachable', cidr]);
    if (r.code !== 0 && !/No such process|not found/i.test(r.stderr)) throw failed(`ip route del unreachable ${cidr}`, r);
  }
}

export interface RouteVerdict {
  /** true when a packet to the address cannot use a default route */
  safe: boolean;
  /** what `ip route get` said */
  detail: string;
}

/**
 * Whether a packet to `ip` would avoid every default route. `ip route get` failing (unreachable:
 * "No route to host", blackhole: "Invalid argument", prohibit) is safe; a route through a default
 * gateway or out of a default route's device is not.
 */
export function judgeRoute(get: ExecResult, defaults: readonly { gateway?: string; dev?: string }[]): RouteVerdict {
  // The kernel refusing a route (unreachable, blackhole, prohibit) is safe; `ip` failing to run is not.
  if (get.code !== 0) return { safe: /^RTNETLINK answers: /m.test(get.stderr), detail: get.stderr.trim() };
  const line = get.stdout.trim().split('\n')[0] ?? '';
  const via = / via (\S+)/.exec(line)?.[1];
  const dev = / dev (\S+)/.exec(line)?.[1];
  const leaves = defaults.some((d) => (d.gateway !== undefined && d.gateway === via) || (d.dev !== undefined && d.dev === dev));
  return { safe: !leaves, detail: line };
}

export async function routeVerdict(ip: string, run: Exec = exec): Promise<RouteVerdict> {
  const shown = await run('ip', ['-j', 'route', 'show', 'default']);
  if (shown.code !== 0) throw failed('ip route show default', shown);
  const defaults = (JSON.parse(shown.stdout || '[]') as { gateway?: string; dev?: string }[]).map((d) => ({
    ...(d.gateway ? { gateway: d.gateway } : {}),
    ...(d.dev ? { dev: d.dev } : {}),
  }));
  return judgeRoute(await run('ip', ['route', 'get', ip]), defaults);
}

/** Throws unless `ip route get <ip>` stays off every default route. */
export async function assertRouteSafe(ip: string, run: Exec = exec): Promise<void> {
  const v = await routeVerdict(ip, run);
  if (!v.safe) throw new Error(`a packet to ${ip} would leave this host (\`ip route get ${ip}\`: ${v.detail}); refusing to go on`);
}

// ---------------------------------------------------------------------------------------------
// Links and sysctl

export async function linkExists(name: string, run: Exec = exec): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name])).code === 0;
}

/** Deletes a network device; one that is not there is fine. Returns whether it was deleted. */
export async function deleteLink(name: string, run: Exec = exec): Promise<boolean> {
  const r = await run('ip', ['link', 'del', 'dev', name]);
  if (r.code === 0) return true;
  if (/Cannot find device|does not exist/i.test(r.stderr)) return false;
  throw failed(`ip link del ${name}`, r);
}

export async function linkNames(run: Exec = exec): Promise<string[]> {
  const r = await run('ip', ['-j', 'link', 'show']);
  if (r.code !== 0) throw failed('ip link show', r);
  return (JSON.parse(r.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname);
}

export const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
export const readIpForward = async (path = IP_FORWARD) => (await readFile(path, 'utf8')).trim();
export const writeIpForward = (value: string, path = IP_FORWARD) => writeFile(path, `${value}\n`);

// ---------------------------------------------------------------------------------------------
// iptables

/** Splits one line of `iptables -S` into arguments, undoing its quoting (`"a \"b\""` → `a "b"`). */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  let have = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuotes) {
      if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else if (c === '"') inQuotes = false;
      else cur += c;
    } else if (c === '"') {
      inQuotes = true;
      have = true;
    } else if (c === ' ') {
      if (have || cur) out.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
    }
  }
  if (have || cur) out.push(cur);
  return out;
}

export interface Rule {
  chain: string;
  /** the rule's arguments after `-A <chain>` */
  spec: string[];
}

export interface Table {
  /** user-defined chains (`-N`) */
  chains: string[];
  rules: Rule[];
}

export function parseTable(saved: string): Table {
  const t: Table = { chains: [], rules: [] };
  for (const line of saved.split('\n')) {
    const [flag, chain, ...spec] = splitRule(line.trim());
    if (flag === '-N' && chain) t.chains.push(chain);
    else if (flag === '-A' && chain) t.rules.push({ chain, spec });
  }
  return t;
}

export async function listTable(table: 'filter' | 'nat', run: Exec = exec): Promise<Table> {
  const r = await run('iptables', ['-w', '-t', table, '-S']);
  if (r.code !== 0) throw failed(`iptables -t ${table} -S`, r);
  return parseTable(r.stdout);
}

const ipv4 = (s: string): number | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
};

/** `addr` (`a.b.c.d`, `a.b.c.d/n` or `a.b.c.d:port`) lies within `cidr`. */
export function within(addr: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const [host = '', hostBits = '32'] = addr.replace(/:\d+(-\d+)?$/, '').split('/');
  const a = ipv4(host);
  const b = ipv4(base);
  const n = Number(bits);
  if (a === undefined || b === undefined || Number(hostBits) < n) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) === (b & mask);
}

/** Addresses a rule matches on or rewrites to: `-s`, `-d`, `--to-destination`, `--to-source`. */
const addressesOf = (spec: readonly string[]) =>
  spec.flatMap((a, i) => (['-s', '--source', '-d', '--destination', '--to-destination', '--to-source'].includes(a) && spec[i - 1] !== '!' ? [spec[i + 1] ?? ''] : []));

/** The CNI plugins' shared chains, in the order they can be removed. */
export const CNI_CHAINS = [
  'filter/CNI-FORWARD',
  'filter/CNI-ADMIN',
  'nat/CNI-HOSTPORT-DNAT',
  'nat/CNI-HOSTPORT-SNAT',
  'nat/CNI-HOSTPORT-MASQ',
  'nat/CNI-HOSTPORT-SETMARK',
] as const;

/** A rule a CNI plugin puts in its shared chain whatever pods exist; any other rule means a pod still uses the chain. */
const structural: Record<string, (r: Rule) => boolean> = {
  'CNI-FORWARD': (r) => r.spec.at(-1) === 'CNI-ADMIN' && r.spec.at(-2) === '-j',
  'CNI-HOSTPORT-MASQ': (r) => r.spec.at(-1) === 'MASQUERADE' && r.spec.includes('--mark'),
  'CNI-HOSTPORT-SETMARK': (r) => r.spec.includes('MARK') && r.spec.includes('--set-xmark'),
};

/** A shared chain that exists for another one: it goes only after that one. */
const SERVES: Record<string, string> = {
  'CNI-ADMIN': 'CNI-FORWARD',
  'CNI-HOSTPORT-SNAT': 'CNI-HOSTPORT-DNAT',
  'CNI-HOSTPORT-MASQ': 'CNI-HOSTPORT-DNAT',
  'CNI-HOSTPORT-SETMARK': 'CNI-HOSTPORT-DNAT',
};

export const ISOLATION_CHAIN = 'CNI-ADMIN';
export const isolationComment = (node: string) => `k8ts ${node}: pods stay on this host`;

/**
 * The rule that keeps a node's pods from reaching beyond this host: forwarded packets from its pod
 * CIDR to anything outside the pod range are dropped. It lives in CNI-ADMIN, which the firewall
 * plugin consults before its own per-pod ACCEPTs.
 */
export const isolationSpec = (node: string, podCIDR: string): string[] =>
  ['-s', podCIDR, '!', '-d', POD_RANGE, '-m', 'comment', '--comment', isolationComment(node), '-j', 'DROP'];

/** Which of the CNI shared chains exist now (`filter/CNI-FORWARD`, …). */
export async function presentCniChains(run: Exec = exec): Promise<string[]> {
  const filter = await listTable('filter', run);
  const nat = await listTable('nat', run);
  return CNI_CHAINS.filter((c) => {
    const [table, chain] = c.split('/') as ['filter' | 'nat', string];
    return (table === 'filter' ? filter : nat).chains.includes(chain);
  });
}

/** Creates CNI-ADMIN if needed and appends the node's isolation rule unless it is there. */
export async function ensureIsolation(node: string, podCIDR: string, run: Exec = exec): Promise<void> {
  const n = await run('iptables', ['-w', '-N', ISOLATION_CHAIN]);
  if (n.code !== 0 && !/already exists/i.test(n.stderr)) throw failed(`iptables -N ${ISOLATION_CHAIN}`, n);
  const spec = isolationSpec(node, podCIDR);
  if ((await run('iptables', ['-w', '-C', ISOLATION_CHAIN, ...spec])).code === 0) return;
  const a = await run('iptables', ['-w', '-A', ISOLATION_CHAIN, ...spec]);
  if (a.code !== 0) throw failed(`iptables -A ${ISOLATION_CHAIN} (isolation of ${node})`, a);
}

export interface CleanupPlanInput {
  filter: Table;
  nat: Table;
  /** Pod CIDRs of the nodes being removed: rules naming addresses in them are ours. */
  podCIDRs: readonly string[];
  /** Node names whose isolation rules go. */
  nodes: readonly string[];
  /**
   * CNI shared chains to remove once no pod uses them (`filter/CNI-FORWARD`, …); the caller leaves
   * out those that existed before k8ts started. Empty while other nodes of the cluster still run.
   */
  removableChains: readonly string[];
}

/**
 * The iptables commands (argument lists) that remove what our pods and nodes left: per-pod rules
 * naming our pod CIDRs (firewall ACCEPTs, hostPort DNAT chains), the nodes' isolation rules, then
 * each removable shared chain that no longer holds anything but the plugins' own scaffolding —
 * jumps to it first, then its rules, then the chain. Other pods' rules keep their chains.
 */
export function planCniCleanup(o: CleanupPlanInput): string[][] {
  const cmds: string[][] = [];
  const tables = { filter: structuredClone(o.filter), nat: structuredClone(o.nat) };
  const ours = (r: Rule) =>
    addressesOf(r.spec).some((a) => o.podCIDRs.some((c) => within(a, c))) ||
    o.nodes.some((n) => r.chain === ISOLATION_CHAIN && r.spec.includes(isolationComment(n)));
  const del = (table: 'filter' | 'nat', r: Rule) => {
    cmds.push(['-w', '-t', table, '-D', r.chain, ...r.spec]);
    const t = tables[table];
    t.rules.splice(t.rules.indexOf(r), 1);
  };
  const dropChain = (table: 'filter' | 'nat', chain: string) => {
    const t = tables[table];
    for (const r of t.rules.filter((r) => r.chain !== chain && r.spec.at(-1) === chain && r.spec.at(-2) === '-j')) del(table, r);
    if (t.rules.some((r) => r.chain === chain)) cmds.push(['-w', '-t', table, '-F', chain]);
    t.rules = t.rules.filter((r) => r.chain !== chain);
    cmds.push(['-w', '-t', table, '-X', chain]);
    t.chains = t.chains.filter((c) => c !== chain);
  };

  // 1. Per-pod rules and chains.
  for (const r of tables.filter.rules.filter((r) => r.chain.startsWith('CNI-') && ours(r))) del('filter', r);
  const podChains = tables.nat.chains.filter(
    (c) => /^CNI-(DN|SN)-/.test(c) && tables.nat.rules.some((r) => r.chain === c && addressesOf(r.spec).some((a) => o.podCIDRs.some((cidr) => within(a, cidr)) && a.includes(':'))),
  );
  for (const c of podChains) dropChain('nat', c);
  for (const r of tables.nat.rules.filter((r) => r.chain.startsWith('CNI-HOSTPORT-') && ours(r))) del('nat', r);

  // 2. Shared chains nobody uses any more. CNI-ADMIN serves CNI-FORWARD, and the hostPort
  // masquerading chains serve CNI-HOSTPORT-DNAT's pods: they stay while those stay.
  for (const full of CNI_CHAINS) {
    if (!o.removableChains.includes(full)) continue;
    const [table, chain] = full.split('/') as ['filter' | 'nat', string];
    const t = tables[table];
    if (!t.chains.includes(chain)) continue;
    const serves = SERVES[chain];
    if (serves && t.chains.includes(serves)) continue;
    const inChain = t.rules.filter((r) => r.chain === chain);
    const keep = structural[chain];
    if (inChain.some((r) => !keep?.(r))) continue;
    // A jump from any other user-defined chain that stays (another pod's CNI-DN-… into SETMARK) keeps it.
    const callers = t.rules.filter((r) => r.chain !== chain && r.spec.at(-1) === chain && r.spec.at(-2) === '-j');
    if (callers.some((r) => t.chains.includes(r.chain))) continue;
    dropChain(table, chain);
  }
  return cmds;
}

/**
 * Lists both tables, plans with `planCniCleanup` and runs the plan. A command that fails (a rule a
 * concurrent CNI call already removed) is reported and the rest still runs.
 */
export async function cleanupIptables(
  o: Omit<CleanupPlanInput, 'filter' | 'nat'>,
  run: Exec = exec,
  warn: (line: string) => void = () => {},
): Promise<string[][]> {
  const plan = planCniCleanup({ ...o, filter: await listTable('filter', run), nat: await listTable('nat', run) });
  for (const args of plan) {
    const r = await run('iptables', args);
    if (r.code !== 0) warn(`iptables ${args.join(' ')}: ${r.stderr.trim()}`);
  }
  return plan;
}
