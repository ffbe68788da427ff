// `k8ts up`: start each component in order, each awaiting the previous one's readiness, then the
// nodes — blackhole routes first, the images once, then per node its containerd and its kubelet —
// wait until every Node is Ready, and write the kubeconfig. Any failure prints the failing
// piece's log tail, removes whatever this run started and returns non-zero. A second `up` on a
// live state directory changes nothing; one whose processes partly died restarts the dead ones.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PAUSE_IMAGE_NAME, startContainerd } from '@k8ts/cri';
import { DEFAULT_ETCD_PEER_PORT, DEFAULT_ETCD_PORT, MAX_NODES, type UpOptions } from './args.ts';
import { claimNodeIndices } from './claims.ts';
import { controlPlane, startComponent, type ComponentSpec, type ControlPlaneOptions } from './components.ts';
import type { Exec } from './host.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { freePort, isPortFree } from './net.ts';
import { waitNodeReady } from './node-ready.ts';
import { buildImages, indexBusy, KUBELET_BUNDLE, kubeletSpec, nodeLayout, prepareHost, resolveBinary, startNodeRuntime } from './nodes.ts';
import type { Exit } from './proc.ts';
import { isOurs, tail } from './proc.ts';
import { progress, type Progress } from './progress.ts';
import { clearRun, createState, readState, saveState, statePaths, type State, type StatePaths } from './state.ts';
import { stopComponents, teardownNodes } from './stop.ts';

export interface NodeDeps {
  /** Index of the first node (default 0); tests use high ones so they never meet a real cluster's bridges. */
  firstIndex?: number;
  /** default <repo>/apps/kubelet/dist/main.mjs */
  kubeletBundle?: string;
  /** How long each Node may take to report Ready after its kubelet is healthy; default 90 s. */
  readyTimeoutMs?: number;
  run?: Exec;
}

export interface UpDeps {
  repoRoot: string;
  out: (line: string) => void;
  /** Aborting (Ctrl-C) stops what was started and fails the run. */
  signal?: AbortSignal;
  /** The components to run; the control plane unless a test substitutes its own. */
  components?: (o: ControlPlaneOptions) => ComponentSpec[];
  nodes?: NodeDeps;
}

export async function up(options: UpOptions, deps: UpDeps): Promise<number> {
  const { out } = deps;
  const paths = statePaths(options.stateDir);
  const existing = await readState(paths);
  if (existing) {
    const live = existing.components.filter((c) => isOurs(c.pid, c.command));
    const nodeProcs = (existing.nodes ?? []).flatMap((n) => [n.containerd, ...(n.kubelet ? [n.kubelet] : [])]);
    const liveNodeProcs = nodeProcs.filter((p) => isOurs(p.pid, p.command));
    if (live.length === existing.components.length && live.length > 0 && liveNodeProcs.length === nodeProcs.length) {
      const nodes = (existing.nodes ?? []).map((n) => `${n.name} (containerd pid ${n.containerd.pid}${n.kubelet ? `, kubelet pid ${n.kubelet.pid}, port ${n.kubelet.port}` : ''})`);
      out(`k8ts is already running from ${paths.root}: ${[...live.map((c) => `${c.name} (pid ${c.pid}, port ${c.port})`), ...nodes].join(', ')}`);
      if (existing.kubeconfig) out(`  export KUBECONFIG=${existing.kubeconfig}`);
      out('Run `k8ts down` first to start afresh.');
      return 0;
    }
    if (live.length > 0) return restartDead(existing, live, paths, deps);
    out(`• removing stale state of a previous run in ${paths.root}`);
    // A crash (or a reboot) may have left nodes' mounts, bridges, rules and routes behind.
    if (!(await teardownNodes(existing, paths, { out, ...(deps.nodes?.run ? { run: deps.nodes.run } : {}) }))) {
      out(`✗ the previous run's nodes could not be removed; fix what is named above and run \`k8ts down\``);
      return 1;
    }
    await stopComponents(existing.components, { out });
    await clearRun(paths);
  }

  if (options.nodes > 0) {
    const problem = nodePrerequisites(deps);
    if (problem) {
      out(`✗ ${problem}`);
      return 1;
    }
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
      await fail(paths, state, paths.log(spec.name), deps);
      return 1;
    }
  }

  const server = `http://127.0.0.1:${options.apiserverPort}`;
  if (options.nodes > 0) {
    const failedLog = await startNodes(options.nodes, server, state, paths, deps, p);
    if (failedLog !== undefined) {
      await fail(paths, state, failedLog, deps);
      return 1;
    }
  }

  await writeKubeconfig(options.kubeconfig, { server });
  state.kubeconfig = options.kubeconfig;
  await saveState(paths, state);

  out('');
  out(`k8ts is up: the API server listens on ${server}${options.nodes > 0 ? `; ${options.nodes} node${options.nodes === 1 ? '' : 's'} Ready` : ''}`);
  out(`  export KUBECONFIG=${options.kubeconfig}`);
  out(options.nodes > 0 ? '  kubectl get nodes' : '  kubectl get namespaces');
  out(`Logs are in ${paths.logs}; \`k8ts status\` shows each component, \`k8ts down\` stops them.`);
  return 0;
}

/** Why nodes cannot start here, checked before anything starts; undefined when they can. */
function nodePrerequisites(deps: UpDeps): string | undefined {
  if (process.platform !== 'linux') return 'nodes need Linux (containerd, CNI, iptables); run with --nodes 0 for the control plane only';
  if (process.getuid?.() !== 0) return 'nodes need root (containerd, bridges, routes, iptables); run as root, or with --nodes 0 for the control plane only';
  const bundle = deps.nodes?.kubeletBundle ?? join(deps.repoRoot, KUBELET_BUNDLE);
  if (!existsSync(bundle)) return `the kubelet is not built (${bundle} is missing): run \`pnpm turbo build\`, or use --nodes 0`;
  for (const bin of ['containerd', 'runc', 'ctr', 'iptables', 'ip']) {
    if (!resolveBinary(bin).startsWith('/')) return `${bin} is not on PATH; \`./k8ts up\` installs it on Debian/Ubuntu (scripts/setup.mjs)`;
  }
  if (!existsSync('/usr/lib/cni/bridge')) return 'the CNI plugins are not in /usr/lib/cni (Debian package containernetworking-plugins)';
  return undefined;
}

/**
 * Host safety, images, then per node its containerd and kubelet, then every Node Ready. Returns
 * undefined on success, else the log file of what failed (for `fail` to show; '' for none).
 */
async function startNodes(count: number, server: string, state: State, paths: StatePaths, deps: UpDeps, p: Progress): Promise<string | undefined> {
  const nd = deps.nodes ?? {};
  const run = nd.run ? { run: nd.run } : {};
  const save = () => saveState(paths, state);
  state.nodes = [];
  // Indices no other cluster on this host holds (claims.ts): 0, 1, … for the first cluster.
  const first = nd.firstIndex ?? 0;
  let indices: number[];
  try {
    indices = await claimNodeIndices({
      stateDir: paths.root, from: first, to: first < MAX_NODES ? MAX_NODES - 1 : 254, count,
      busy: (i) => indexBusy(i, nd.run),
    });
  } catch (err) {
    p.line(`✗ ${(err as Error).message}`);
    return '';
  }
  // Recorded at once, so that whatever fails from here on, tear-down finds and releases them all.
  state.nodes = indices.map((i) => {
    const name = nodeLayout(paths.nodes, i).name;
    return { name, index: i, containerd: { pid: 0, command: '', log: paths.log(`containerd-${name}`) } };
  });
  await save();
  try {
    await p.step('blackhole routes for 10.244.0.0/16 and 10.96.0.0/16', 'in place', async () => {
      state.host = await prepareHost({ ...run, onRecord: async (r) => { state.host = r; await save(); } });
      await save();
    }, 'adding');
  } catch {
    return '';
  }
  let images: string[];
  try {
    images = await p.step('busybox and pause images', 'built', () => buildImages(paths.images), 'building');
  } catch {
    return '';
  }

  const exits = new Map<string, Promise<Exit>>();
  for (const rec of state.nodes) {
    const layout = nodeLayout(paths.nodes, rec.index);
    try {
      if (deps.signal?.aborted) throw new Error('interrupted');
      await p.step(`containerd of ${layout.name}`, 'ready', () =>
        startNodeRuntime({
          layout,
          images,
          log: rec.containerd.log,
          ...run,
          onStarted: async (pid, command) => {
            rec.containerd = { ...rec.containerd, pid, command };
            await save();
          },
        }),
      );
    } catch {
      return rec.containerd.log;
    }
    const spec = kubeletSpec({
      repoRoot: deps.repoRoot,
      layout,
      kubeconfig: paths.componentKubeconfig,
      port: await freePort(),
      ...(nd.kubeletBundle ? { bundle: nd.kubeletBundle } : {}),
    });
    try {
      await p.step(`kubelet of ${layout.name}`, 'ready', async () => {
        const running = startComponent(spec, paths);
        exits.set(layout.name, running.done);
        rec.kubelet = { name: spec.name, pid: running.pid, port: spec.ports[0], ports: [...spec.ports], health: spec.health, log: paths.log(spec.name), command: spec.command };
        await save();
        await untilAborted(running.ready, deps.signal);
      });
    } catch {
      return paths.log(spec.name);
    }
  }

  const results = await Promise.allSettled(
    state.nodes.map((rec) =>
      p.step(`node ${rec.name}`, 'Ready', () =>
        untilAborted(
          waitNodeReady({ server, name: rec.name, timeoutMs: nd.readyTimeoutMs ?? 90_000, log: rec.kubelet!.log, exited: exits.get(rec.name)!, ...(deps.signal ? { signal: deps.signal } : {}) }),
          deps.signal,
        ), 'waiting for'),
    ),
  );
  const failed = results.findIndex((r) => r.status === 'rejected');
  return failed < 0 ? undefined : state.nodes[failed]!.kubelet!.log;
}

/**
 * Some processes died while others still run (an API server crashed, a kubelet, a node's
 * containerd): start the dead ones again on the ports and directories they had, in order, and
 * leave the live ones alone.
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
  for (const rec of state.nodes ?? []) {
    const layout = nodeLayout(paths.nodes, rec.index);
    if (!isOurs(rec.containerd.pid, rec.containerd.command)) {
      try {
        // Its images and running pods survive in its own root and state directories.
        await p.step(`containerd of ${rec.name} (restarted)`, 'ready', async () => {
          const command = resolveBinary('containerd');
          const proc = await startContainerd({ nodeDir: layout.dir, sandboxImage: PAUSE_IMAGE_NAME, binary: command, log: rec.containerd.log });
          rec.containerd = { ...rec.containerd, pid: proc.pid, command };
          await saveState(paths, state);
        });
      } catch {
        out(`✗ the containerd of ${rec.name} did not come back; see ${rec.containerd.log}`);
        return 1;
      }
    }
    const k = rec.kubelet;
    if (k && !isOurs(k.pid, k.command)) {
      const spec = kubeletSpec({ repoRoot: deps.repoRoot, layout, kubeconfig: paths.componentKubeconfig, port: k.port, ...(deps.nodes?.kubeletBundle ? { bundle: deps.nodes.kubeletBundle } : {}) });
      try {
        await p.step(`kubelet of ${rec.name} (restarted)`, 'ready', async () => {
          const running = startComponent(spec, paths);
          k.pid = running.pid;
          await saveState(paths, state);
          await untilAborted(running.ready, deps.signal);
        });
      } catch {
        out(`✗ the kubelet of ${rec.name} did not come back; see ${k.log}`);
        return 1;
      }
    }
  }
  return 0;
}

function untilAborted<T>(ready: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return ready;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('interrupted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Always consumed, so a readiness failure after the abort is not an unhandled rejection.
    ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Shows why a step failed (the tail of `log`), removes the nodes and host changes and stops the
 * components this run started; logs and etcd data stay for a look.
 */
async function fail(paths: StatePaths, state: State, log: string, deps: UpDeps) {
  const { out } = deps;
  const lines = await tail(log);
  if (lines) {
    out(`--- last lines of ${log}`);
    for (const l of lines.split('\n')) out(`  ${l}`);
    out('---');
  }
  const nodesGone = await teardownNodes(state, paths, { out, ...(deps.nodes?.run ? { run: deps.nodes.run } : {}) });
  await stopComponents(state.components, { out });
  if (!nodesGone) {
    await saveState(paths, state);
    out(`k8ts up failed, and some node could not be removed; \`k8ts down\` retries (state in ${paths.root}).`);
    return;
  }
  await clearRun(paths);
  out(`k8ts up failed; logs are in ${paths.logs} (\`k8ts down\` removes them).`);
}
