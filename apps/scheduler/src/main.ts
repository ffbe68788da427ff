// scheduler: parse flags, load the configuration, start the HTTP endpoint and the scheduler,
// stop on SIGTERM/SIGINT (giving up the Lease so a standby takes over at once).
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Client, loadKubeconfig } from '@k8ts/client';
import { destination, pino } from 'pino';
import { ConfigError, defaultConfig, loadConfig } from './framework/config.ts';
import { startHttp } from './http.ts';
import { schedulerMetrics } from './metrics.ts';
import { parseFlags, UsageError } from './options.ts';
import { Scheduler } from './scheduler.ts';

async function main() {
  let options;
  let config;
  try {
    options = parseFlags(process.argv.slice(2));
    config = options.config ? loadConfig(readFileSync(options.config, 'utf8')) : defaultConfig();
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`scheduler: ${(e as Error).message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const dest = destination({ sync: false, minLength: 4096 });
  const log = pino({ level: options.logLevel, base: { component: 'scheduler' } }, dest);
  const client = new Client({ config: loadKubeconfig(options.kubeconfig), userAgent: 'k8ts-scheduler/v0.1.0', qps: options.qps, burst: options.burst });
  const metrics = schedulerMetrics();
  const scheduler = new Scheduler({
    client, config, log, metrics, identity: options.identity,
    ...(options.leaderElect ? {
      leaderElection: {
        namespace: options.leaseNamespace, name: options.leaseName, leaseDurationSeconds: options.leaseDurationSeconds,
        renewDeadlineSeconds: options.renewDeadlineSeconds, retryPeriodSeconds: options.retryPeriodSeconds,
      },
    } : {}),
  });
  const http = await startHttp({
    bindAddress: options.bindAddress,
    port: options.port,
    onError: (err) => log.error({ err: (err as Error).message }, 'debug endpoint failed'),
    sources: {
      ready: () => scheduler.ready(),
      metrics: metrics.registry,
      explanation: (ns, name) => scheduler.explanation(ns, name),
      cache: () => scheduler.cache.dump(),
      queue: () => scheduler.queue.listPending(),
      leader: () => scheduler.leader(),
    },
  });
  log.info({ url: http.url, identity: options.identity, profiles: config.profiles.map((p) => p.schedulerName) }, 'scheduler starting');
  const ac = new AbortController();
  // Every informer, timer and lease loop listens on this one signal.
  setMaxListeners(0, ac.signal);
  const running = scheduler.run(ac.signal);
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
}

main().catch((e) => {
  process.stderr.write(`scheduler: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
