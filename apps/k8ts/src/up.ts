// `k8ts up`: start each component in order, each awaiting the previous one's readiness, then
// write the kubeconfig. Any failure prints the failing component's log tail, stops whatever this
// run started and returns non-zero. A second `up` on a live state directory changes nothing.
import { mkdir } from 'node:fs/promises';
import { DEFAULT_ETCD_PEER_PORT, DEFAULT_ETCD_PORT, type UpOptions } from './args.ts';
import { controlPlane, startComponent, type ComponentSpec, type ControlPlaneOptions } from './components.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { freePort, isPortFree } from './net.ts';
import { isOurs, tail } from './proc.ts';
import { progress } from './progress.ts';
import { clearRun, createState, readState, saveState, statePaths, type State, type StatePaths } from './state.ts';
import { stopComponents } from './stop.ts';

export interface UpDeps {
  repoRoot: string;
  out: (line: string) => void;
  /** Aborting (Ctrl-C) stops what was started and fails the run. */
  signal?: AbortSignal;
  /** The components to run; the control plane unless a test substitutes its own. */
  components?: (o: ControlPlaneOptions) => ComponentSpec[];
}

export async function up(options: UpOptions, deps: UpDeps): Promise<number> {
  const { out } = deps;
  const paths = statePaths(options.stateDir);
  const existing = await readState(paths);
  if (existing) {
    const live = existing.components.filter((c) => isOurs(c.pid, c.command));
    if (live.length === existing.components.length && live.length > 0) {
      out(`k8ts is already running from ${paths.root}: ${live.map((c) => `${c.name} (pid ${c.pid}, port ${c.port})`).join(', ')}`);
      if (existing.kubeconfig) out(`  export KUBECONFIG=${existing.kubeconfig}`);
      out('Run `k8ts down` first to start afresh.');
      return 0;
    }
    if (live.length > 0) return restartDead(existing, live, paths, deps);
    out(`• removing stale state of a previous run in ${paths.root}`);
    await clearRun(paths);
  }

  const etcdPeerPort =
    options.etcdPeerPort ?? (options.etcdPort === DEFAULT_ETCD_PORT ? DEFAULT_ETCD_PEER_PORT : await freePort());
  const specs = (deps.components ?? controlPlane)({
    repoRoot: deps.repoRoot,
    paths,
    etcdPort: options.etcdPort,
    etcdPeerPort,
    apiserverPort: options.apiserverPort,
    schedulerPort: options.schedulerPort,
    controllerManagerPort: options.controllerManagerPort,
  });
  for (const spec of specs) {
    for (const port of spec.ports) {
      if (!(await isPortFree(port))) {
        out(`✗ 127.0.0.1:${port} is already in use (wanted by ${spec.name}); choose other ports with the --*-port flags`);
        return 1;
      }
    }
  }

  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.etcdData, { recursive: true, mode: 0o700 });
  const state: State = { version: 1, startedAt: new Date().toISOString(), stateDir: paths.root, components: [] };
  try {
    await createState(paths, state);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    out(`✗ another \`k8ts up\` is using ${paths.root}`);
    return 1;
  }

  // Components reach the API server through a kubeconfig of their own, as upstream's do.
  await writeKubeconfig(paths.componentKubeconfig, { server: `http://127.0.0.1:${options.apiserverPort}` });

  const p = progress(out);
  for (const spec of specs) {
    try {
      await p.step(spec.name, 'ready', async () => {
        const running = startComponent(spec, paths);
        state.components.push({
          name: spec.name,
          pid: running.pid,
          port: spec.ports[0],
          ports: [...spec.ports],
          health: spec.health,
          log: paths.log(spec.name),
          command: spec.command,
        });
        await saveState(paths, state);
        await untilAborted(running.ready, deps.signal);
      });
    } catch {
      await fail(paths, state, spec.name, out);
      return 1;
    }
  }

  const server = `http://127.0.0.1:${options.apiserverPort}`;
  await writeKubeconfig(options.kubeconfig, { server });
  state.kubeconfig = options.kubeconfig;
  await saveState(paths, state);

  out('');
  out(`k8ts is up: the API server listens on ${server}`);
  out(`  export KUBECONFIG=${options.kubeconfig}`);
  out('  kubectl get namespaces');
  out(`Logs are in ${paths.logs}; \`k8ts status\` shows each component, \`k8ts down\` stops them.`);
  return 0;
}

/**
 * Some components died while others still run (an API server crashed, say): start the dead ones
 * again on the ports they had, in order, and leave the live ones alone.
 */
async function restartDead(state: State, live: State['components'], paths: StatePaths, deps: UpDeps): Promise<number> {
  const { out } = deps;
  const ports = (name: string) => state.components.find((c) => c.name === name)?.ports;
  const etcd = ports('etcd');
  const apiserver = ports('apiserver');
  const scheduler = ports('scheduler');
  const controllerManager = ports('controller-manager');
  if (!etcd?.[1] || !apiserver?.[0] || !scheduler?.[0] || !controllerManager?.[0]) {
    out(`✗ ${paths.root} was written by an older k8ts; run \`k8ts down\` and \`k8ts up\` again`);
    return 1;
  }
  const specs = (deps.components ?? controlPlane)({
    repoRoot: deps.repoRoot, paths, etcdPort: etcd[0]!, etcdPeerPort: etcd[1], apiserverPort: apiserver[0], schedulerPort: scheduler[0], controllerManagerPort: controllerManager[0],
  });
  const p = progress(out);
  for (const spec of specs) {
    if (live.some((c) => c.name === spec.name)) continue;
    try {
      await p.step(`${spec.name} (restarted)`, 'ready', async () => {
        const running = startComponent(spec, paths);
        const record = state.components.find((c) => c.name === spec.name)!;
        record.pid = running.pid;
        await saveState(paths, state);
        await untilAborted(running.ready, deps.signal);
      });
    } catch {
      out(`✗ ${spec.name} did not come back; see ${paths.log(spec.name)}`);
      return 1;
    }
  }
  return 0;
}

function untilAborted(ready: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return ready;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('interrupted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Always consumed, so a readiness failure after the abort is not an unhandled rejection.
    ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Shows why `name` failed, stops what this run started; logs and etcd data stay for a look. */
async function fail(paths: StatePaths, state: State, name: string, out: (line: string) => void) {
  const log = paths.log(name);
  const lines = await tail(log);
  if (lines) {
    out(`--- last lines of ${log}`);
    for (const l of lines.split('\n')) out(`  ${l}`);
    out('---');
  }
  await stopComponents(state.components, { out });
  await clearRun(paths);
  out(`k8ts up failed; logs are in ${paths.logs} (\`k8ts down\` removes them).`);
}
