// kubelet: parse flags, connect to the API server and the container runtime, serve the kubelet
// API, run the node's loops; on SIGTERM stop the loops and leave every container running (a
// kubelet restart must not touch its pods). With --hollow-nodes=N it runs N hollow kubelets on
// fake runtimes instead (hollow.ts).
import { Client, loadKubeconfig, runUntilSignalled, UsageError } from '@k8ts/client';
import { CriClient } from '@k8ts/cri';
import { destination, pino } from 'pino';
import { Registry } from 'prom-client';
import { runHollowNodes } from './hollow.ts';
import { Kubelet } from './kubelet.ts';
import { parseKubeletFlags } from './options.ts';
import { startKubeletServer } from './server/index.ts';

async function main() {
  let options;
  let kubeconfig;
  try {
    options = parseKubeletFlags(process.argv.slice(2));
    kubeconfig = loadKubeconfig(options.kubeconfig);
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`kubelet: ${(e as Error).message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // Asynchronous but unbuffered: a kubelet logs little, and its lines should show up when they happen.
  const dest = destination({ sync: false });
  const log = pino({ level: options.logLevel, base: { component: 'kubelet', node: options.nodeName } }, dest);
  // Upstream's kubelet defaults: 50 QPS / burst 100 for pods, events and status; heartbeats unthrottled.
  const userAgent = `kubelet/v1.32.0-k8ts (${options.nodeName})`;
  const newClient = () => new Client({ config: kubeconfig, userAgent, qps: 50, burst: 100 });
  const clients: Client[] = [];
  const made = (c: Client) => (clients.push(c), c);
  const heartbeatClient = made(new Client({ config: kubeconfig, userAgent, qps: Infinity }));
  const closeClients = () => clients.forEach((c) => c.close());

  if (options.hollowNodes > 0) {
    await runUntilSignalled((signal) => runHollowNodes(options, { client: () => made(newClient()), heartbeat: heartbeatClient }, log, signal), {
      onSignal: (signal) => log.info({ signal }, 'shutting down'),
      cleanup: () => {
        closeClients();
        dest.flushSync();
      },
    });
    return;
  }
  const client = made(newClient());

  const runtime = new CriClient({ endpoint: options.runtimeEndpoint });
  const registry = new Registry();
  // The server starts first so the Node is registered with the port it really listens on.
  let kubelet: Kubelet | undefined;
  const server = await startKubeletServer({
    address: options.address, port: options.port, nodeName: options.nodeName, runtime, images: runtime,
    pods: () => kubelet?.pods() ?? [], healthy: () => kubelet?.healthy() ?? false,
    registry, log,
  }).catch((err) => {
    process.stderr.write(`kubelet: cannot listen on ${options.address}:${options.port}: ${(err as Error).message}\n`);
    process.exit(1);
  });
  kubelet = new Kubelet({ ...options, kubeletPort: server.port }, { client, heartbeatClient, runtime, images: runtime, log, registry });
  log.info({ url: server.url, runtime: options.runtimeEndpoint }, 'kubelet starting');
  await runUntilSignalled((signal) => kubelet.run(signal), {
    onSignal: (signal) => log.info({ signal }, 'shutting down; containers keep running'),
    cleanup: async () => {
      await server.close();
      runtime.close();
      closeClients();
      dest.flushSync();
    },
  });
}

main().catch((e) => {
  process.stderr.write(`kubelet: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
