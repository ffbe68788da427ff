// controller-manager: parse flags, start the HTTP endpoint and the leader-elected manager, stop
// on SIGTERM/SIGINT (giving up the Lease so a standby takes over at once).
import { setMaxListeners } from 'node:events';
import { Client, loadKubeconfig } from '@k8ts/client';
import { destination, pino } from 'pino';
import { controllerMetrics } from './controller/metrics.ts';
import { ALL_CONTROLLERS } from './descriptors.ts';
import { startHttp } from './http.ts';
import { ControllerManager } from './manager.ts';
import { parseFlags, UsageError } from './options.ts';

async function main() {
  let flags;
  let manager;
  const dest = destination({ sync: false, minLength: 4096 });
  try {
    flags = parseFlags(process.argv.slice(2));
    const log = pino({ level: flags.logLevel, base: { component: 'controller-manager' } }, dest);
    const client = new Client({ config: loadKubeconfig(flags.kubeconfig), userAgent: 'k8ts-controller-manager/v0.1.0', qps: flags.qps, burst: flags.burst });
    const metrics = controllerMetrics();
    manager = new ControllerManager({
      client, log, metrics, config: flags.config, controllers: flags.controllers, descriptors: ALL_CONTROLLERS, identity: flags.identity,
      ...(flags.leaderElect ? {
        leaderElection: {
          namespace: flags.leaseNamespace, name: flags.leaseName, leaseDurationSeconds: flags.leaseDurationSeconds,
          renewDeadlineSeconds: flags.renewDeadlineSeconds, retryPeriodSeconds: flags.retryPeriodSeconds,
        },
      } : {}),
    });
    const http = await startHttp({ bindAddress: flags.bindAddress, port: flags.port, ready: () => manager!.ready(), metrics: metrics.registry });
    log.info({ url: http.url, identity: flags.identity, controllers: manager.controllers }, 'controller manager starting');
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const running = manager.run(ac.signal);
    const stop = async (signal: string) => {
      log.info({ signal }, 'shutting down');
      ac.abort();
      await Promise.race([running, new Promise((r) => setTimeout(r, 5000))]);
      await http.close();
      client.close();
      dest.flushSync();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    await running;
  } catch (e) {
    if (e instanceof UsageError || /is not in the list of known controllers/.test((e as Error).message)) {
      process.stderr.write(`controller-manager: ${(e as Error).message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

main().catch((e) => {
  process.stderr.write(`controller-manager: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
