// scheduler: parse flags, load the configuration, start the HTTP endpoint and the scheduler,
// stop on SIGTERM/SIGINT (giving up the Lease so a standby takes over at once).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Client, leaderElectionOf, loadKubeconfig, runUntilSignalled, UsageError } from '@k8ts/client';
import { destination, pino } from 'pino';
import { ConfigError, defaultConfig, loadConfig } from './framework/config.ts';
import { startHttp } from './http.ts';
import { schedulerMetrics } from './metrics.ts';
import { parseFlags } from './options.ts';
import { Scheduler } from './scheduler.ts';

// The heap's policy, the scheduler's own (like GOGC for a Go component). Its live set is steady
// (nodes, pods and the cache: ~70 MiB with 5,000 nodes and 10,000 pods) while scheduling cycles
// churn through short-lived data, and V8 then lets the old generation grow to up to four times
// the live set. 1.5× keeps the process near its working set; the benchmarks showed no cost in
// throughput (README, "Scheduler").
setFlagsFromString('--heap-growing-percent=50');

async function main() {
  let options;
  let config;
  let kubeconfig;
  try {
    options = parseFlags(process.argv.slice(2));
    config = options.config ? loadConfig(readFileSync(options.config, 'utf8')) : defaultConfig();
    kubeconfig = loadKubeconfig(options.kubeconfig);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`scheduler: ${(e as Error).message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const dest = destination({ sync: false, minLength: 4096 });
  const log = pino({ level: options.logLevel, base: { component: 'scheduler' } }, dest);
  const client = new Client({ config: kubeconfig, userAgent: 'k8ts-scheduler/v0.1.0', qps: options.qps, burst: options.burst });
  const metrics = schedulerMetrics();
  const leaderElection = leaderElectionOf(options);
  const scheduler = new Scheduler({ client, config, log, metrics, identity: options.identity, ...(leaderElection ? { leaderElection } : {}) });
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
  await runUntilSignalled((signal) => scheduler.run(signal), {
    onSignal: (signal) => log.info({ signal }, 'shutting down'),
    cleanup: async () => {
      await http.close();
      client.close();
      dest.flushSync();
    },
  });
}

main().catch((e) => {
  process.stderr.write(`scheduler: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
