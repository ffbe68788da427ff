// Command-line parsing for `k8ts up | down | status`. Pure: no I/O, so every flag rule is
// table-tested. Relative paths resolve against the caller's cwd; defaults live under the repo.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const DEFAULT_ETCD_PORT = 12379;
export const DEFAULT_ETCD_PEER_PORT = 12380;
export const DEFAULT_APISERVER_PORT = 6443;
export const DEFAULT_SCHEDULER_PORT = 10259;
export const DEFAULT_CONTROLLER_MANAGER_PORT = 10257;
export const DEFAULT_NODES = 1;
/** Node i uses pod CIDR 10.244.<i>.0/24; indices from 100 up are left to tests. */
export const MAX_NODES = 100;

export interface UpOptions {
  stateDir: string;
  etcdPort: number;
  /** `undefined` = 12380 beside the default client port, otherwise a free port picked at start. */
  etcdPeerPort: number | undefined;
  apiserverPort: number;
  schedulerPort: number;
  controllerManagerPort: number;
  kubeconfig: string;
  /** how many nodes (kubelet + containerd each) to start after the control plane; 0 = none */
  nodes: number;
}

export type Command =
  | { kind: 'up'; options: UpOptions }
  | { kind: 'down'; stateDir: string }
  | { kind: 'status'; stateDir: string }
  | { kind: 'why'; stateDir: string; namespace: string; pod: string }
  | { kind: 'load-image'; stateDir: string; archive: string }
  | { kind: 'help' };

/** A mistake in the command line; main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: k8ts <command> [flags]

Commands:
  up       install what is missing, start etcd, the control plane and the nodes, write a kubeconfig
  down     stop everything \`up\` started and remove its state, kubeconfig and host changes
  status   show each component and node process with its PID, port and health
  why POD  explain the scheduler's last decision for a pod: each node's filter verdict and scores
  load-image ARCHIVE  import an OCI or docker-save image archive into every node's containerd

Flags:
  --state-dir DIR        logs, PID files, etcd data and the nodes' directories (default <repo>/.k8ts)
  --nodes N              nodes to start, each a kubelet with its own containerd (up; default ${DEFAULT_NODES}, 0-${MAX_NODES})
  --etcd-port N          etcd client port on 127.0.0.1 (up; default ${DEFAULT_ETCD_PORT})
  --etcd-peer-port N     etcd peer port (up; default ${DEFAULT_ETCD_PEER_PORT}, or a free port with --etcd-port)
  --apiserver-port N     API server port on 127.0.0.1 (up; default ${DEFAULT_APISERVER_PORT})
  --scheduler-port N     scheduler health/metrics/debug port (up; default ${DEFAULT_SCHEDULER_PORT})
  --controller-manager-port N  controller manager health/metrics port (up; default ${DEFAULT_CONTROLLER_MANAGER_PORT})
  -n, --namespace NS     the pod's namespace (why; default "default"; or give POD as NS/NAME)
  --kubeconfig PATH      where up writes the kubeconfig (default <repo>/kubeconfig)
`;

const FLAGS = {
  'state-dir': { type: 'string' },
  'etcd-port': { type: 'string' },
  'etcd-peer-port': { type: 'string' },
  'apiserver-port': { type: 'string' },
  'scheduler-port': { type: 'string' },
  'controller-manager-port': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  kubeconfig: { type: 'string' },
  nodes: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UP_ONLY = ['etcd-port', 'etcd-peer-port', 'apiserver-port', 'scheduler-port', 'controller-manager-port', 'kubeconfig', 'nodes'] as const;

export function parseCommand(argv: readonly string[], ctx: { repoRoot: string; cwd: string }): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const [kind, ...extra] = positionals;
  if (kind === undefined) throw new UsageError('missing command: one of up, down, status, why, load-image');
  const operands = kind === 'why' || kind === 'load-image' ? 1 : 0;
  if (extra.length > operands) throw new UsageError(`unexpected argument "${extra[operands]}"`);
  if (values.namespace !== undefined && kind !== 'why') throw new UsageError('--namespace applies to "why" only');

  const stateDir = resolve(ctx.cwd, values['state-dir'] ?? resolve(ctx.repoRoot, '.k8ts'));
  switch (kind) {
    case 'up':
      return {
        kind,
        options: {
          stateDir,
          etcdPort: port(values['etcd-port'], 'etcd-port') ?? DEFAULT_ETCD_PORT,
          etcdPeerPort: port(values['etcd-peer-port'], 'etcd-peer-port'),
          apiserverPort: port(values['apiserver-port'], 'apiserver-port') ?? DEFAULT_APISERVER_PORT,
          schedulerPort: port(values['scheduler-port'], 'scheduler-port') ?? DEFAULT_SCHEDULER_PORT,
          controllerManagerPort: port(values['controller-manager-port'], 'controller-manager-port') ?? DEFAULT_CONTROLLER_MANAGER_PORT,
          kubeconfig: resolve(ctx.cwd, values.kubeconfig ?? resolve(ctx.repoRoot, 'kubeconfig')),
          nodes: nodeCount(values.nodes),
        },
      };
    case 'down':
    case 'status':
    case 'load-image':
    case 'why': {
      const misplaced = UP_ONLY.find((f) => values[f] !== undefined);
      if (misplaced) throw new UsageError(`--${misplaced} applies to "up" only`);
      if (kind === 'load-image') {
        if (!extra[0]) throw new UsageError('load-image needs an image archive: k8ts load-image FILE.tar');
        return { kind, stateDir, archive: resolve(ctx.cwd, extra[0]) };
      }
      if (kind !== 'why') return { kind, stateDir };
      const target = extra[0];
      if (!target) throw new UsageError('why needs a pod: k8ts why [-n NAMESPACE] NAME (or NAMESPACE/NAME)');
      const [a, b] = target.split('/');
      if (b !== undefined && values.namespace !== undefined) throw new UsageError('give the namespace either as NS/NAME or with -n, not both');
      return b !== undefined
        ? { kind, stateDir, namespace: a!, pod: b }
        : { kind, stateDir, namespace: values.namespace ?? 'default', pod: a! };
    }
    default:
      throw new UsageError(`unknown command "${kind}": one of up, down, status, why, load-image`);
  }
}

function nodeCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_NODES;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > MAX_NODES) throw new UsageError(`--nodes must be a whole number between 0 and ${MAX_NODES}, got "${raw}"`);
  return n;
}

function port(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) {
    throw new UsageError(`--${flag} must be a port number between 1 and 65535, got "${raw}"`);
  }
  return n;
}
