// `k8ts status`: one line per recorded component — name, PID, alive, port, health — and two per
// node: its containerd (healthy when CRI answers Version on its socket) and its kubelet (/healthz).
// Exit code 0 only when every one is alive and healthy.
import { CriClient } from '@k8ts/cri';
import { probe, type Health } from './health.ts';
import { isOurs } from './proc.ts';
import { readState, statePaths, type NodeRecord } from './state.ts';
import { nodeLayout } from './nodes.ts';

export interface StatusRow {
  name: string;
  pid: number;
  alive: boolean;
  /** none for a node's containerd, which listens on a unix socket only */
  port?: number;
  health: string;
}

async function criHealth(socket: string): Promise<Health> {
  const client = new CriClient({ endpoint: `unix://${socket}`, timeoutMs: 2_000 });
  try {
    await client.version('v1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0]!.slice(0, 120) };
  } finally {
    client.close();
  }
}

async function nodeRows(n: NodeRecord, nodesDir: string): Promise<StatusRow[]> {
  const alive = isOurs(n.containerd.pid, n.containerd.command);
  const h = alive ? await criHealth(nodeLayout(nodesDir, n.index).containerd.socket) : { ok: false as const, reason: 'not running' };
  const rows: StatusRow[] = [{ name: `${n.name}/containerd`, pid: n.containerd.pid, alive, health: h.ok ? 'ok' : h.reason }];
  if (n.kubelet) {
    const k = n.kubelet;
    const kh = await probe(k.health);
    rows.push({ name: `${n.name}/kubelet`, pid: k.pid, alive: isOurs(k.pid, k.command), port: k.port, health: kh.ok ? 'ok' : kh.reason });
  } else {
    rows.push({ name: `${n.name}/kubelet`, pid: 0, alive: false, health: 'not started' });
  }
  return rows;
}

export async function status(stateDir: string, deps: { out: (line: string) => void }): Promise<number> {
  const paths = statePaths(stateDir);
  const state = await readState(paths);
  if (!state) {
    deps.out(`k8ts is not running (no state in ${paths.root})`);
    return 1;
  }
  const rows: StatusRow[] = [
    ...(await Promise.all(
      state.components.map(async (c) => {
        const alive = isOurs(c.pid, c.command);
        const h = await probe(c.health);
        return { name: c.name, pid: c.pid, alive, port: c.port, health: h.ok ? 'ok' : h.reason };
      }),
    )),
    ...(await Promise.all((state.nodes ?? []).map((n) => nodeRows(n, paths.nodes)))).flat(),
  ];
  for (const line of formatStatus(rows)) deps.out(line);
  if (state.kubeconfig) deps.out(`kubeconfig: ${state.kubeconfig}`);
  deps.out(`logs: ${paths.logs}`);
  return rows.length > 0 && rows.every((r) => r.alive && r.health === 'ok') ? 0 : 1;
}

export function formatStatus(rows: readonly StatusRow[]): string[] {
  const table = [
    ['COMPONENT', 'PID', 'ALIVE', 'PORT', 'HEALTH'],
    ...rows.map((r) => [r.name, r.pid > 0 ? String(r.pid) : '-', r.alive ? 'yes' : 'no', r.port === undefined ? '-' : String(r.port), r.health]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join(''));
}
