// `k8ts status`: one line per recorded component — name, PID, alive, port, health.
// Exit code 0 only when every component is alive and healthy.
import { probe } from './health.ts';
import { isOurs } from './proc.ts';
import { readState, statePaths } from './state.ts';

export interface StatusRow {
  name: string;
  pid: number;
  alive: boolean;
  port: number;
  health: string;
}

export async function status(stateDir: string, deps: { out: (line: string) => void }): Promise<number> {
  const paths = statePaths(stateDir);
  const state = await readState(paths);
  if (!state) {
    deps.out(`k8ts is not running (no state in ${paths.root})`);
    return 1;
  }
  const rows: StatusRow[] = await Promise.all(
    state.components.map(async (c) => {
      const alive = isOurs(c.pid, c.command);
      const h = await probe(c.health);
      return { name: c.name, pid: c.pid, alive, port: c.port, health: h.ok ? 'ok' : h.reason };
    }),
  );
  for (const line of formatStatus(rows)) deps.out(line);
  if (state.kubeconfig) deps.out(`kubeconfig: ${state.kubeconfig}`);
  deps.out(`logs: ${paths.logs}`);
  return rows.length > 0 && rows.every((r) => r.alive && r.health === 'ok') ? 0 : 1;
}

export function formatStatus(rows: readonly StatusRow[]): string[] {
  const table = [
    ['COMPONENT', 'PID', 'ALIVE', 'PORT', 'HEALTH'],
    ...rows.map((r) => [r.name, String(r.pid), r.alive ? 'yes' : 'no', String(r.port), r.health]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join(''));
}
