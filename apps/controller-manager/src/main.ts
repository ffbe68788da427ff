// controller-manager: parse flags, start the HTTP endpoint and the leader-elected manager, stop
// on SIGTERM/SIGINT (giving up the Lease so a standby takes over at once).
import { Client, leaderElectionOf, loadKubeconfig, runUntilSignalled, UsageError } from '@k8ts/client';
import { destination, pino } from 'pino';
import { controllerMetrics } from './controller/metrics.ts';
import { ALL_CONTROLLERS } from './descriptors.ts';
import { startHttp } from './http.ts';
import { ControllerManager } from './manager.ts';
import { parseFlags } from './options.ts';

const usageError = (message: string): never => {
  process.stderr.write(`controller-manager: ${message}\n`);
  process.exit(2);
};

async function main() {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) usageError(e.message);
    throw e;
  }
  const dest = destination({ sync: false, minLength: 4096 });
  const log = pino({ level: flags.logLevel, base: { component: 'controller-manager' } }, dest);
  let kubeconfig;
  try {
    kubeconfig = loadKubeconfig(flags.kubeconfig);
  } catch (e) {
    return usageError(`cannot use --kubeconfig=${flags.kubeconfig}: ${(e as Error).message}`);
  }
  const client = new Client({ config: kubeconfig, userAgent: 'k8ts-controller-manager/v0.1.0', qps: flags.qps, burst: flags.burst });
  const metrics = controllerMetrics();
  const leaderElection = leaderElectionOf(flags);
  let manager: ControllerManager;
  try {
    manager = new ControllerManager({
      client, log, metrics, config: flags.config, controllers: flags.controllers, descriptors: ALL_CONTROLLERS,
      identity: flags.identity, ...(leaderElection ? { leaderElection } : {}),
    });
  } catch (e) {
    // --controllers named a controller that does not exist.
    return usageError((e as Error).message);
  }
  const http = await startHttp({ bindAddress: flags.bindAddress, port: flags.port, ready: () => manager.ready(), metrics: metrics.registry });
  log.info({ url: http.url, identity: flags.identity, controllers: manager.controllers }, 'controller manager starting');
  await runUntilSignalled((signal) => manager.run(signal), {
    onSignal: (signal) => log.info({ signal }, 'shutting down'),
    cleanup: async () => {
      await http.close();
      client.close();
      dest.flushSync();
    },
  });
}

main().catch((e) => {
  process.stderr.write(`controller-manager: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
