// Shared pieces of the benchmarks: timing, percentiles, a real API server process, printing.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startComponentProcess } from '@k8ts/testing';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Runs `n` tasks with at most `concurrency` in flight; returns ops/s and per-op latencies (ms). */
export async function load(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const t = performance.now();
      await task(i);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), seconds };
}

/** CPU seconds (user + system) a process has used so far. */
export const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

export const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** A built component (scheduler, controller manager) against `kubeconfig`, unthrottled and unelected, as benchmarks want it. */
export const startBenchComponent = (app: string, kubeconfig: string, nodeFlags: readonly string[] = []) =>
  startComponentProcess({
    bundle: `${ROOT}apps/${app}/dist/main.mjs`,
    nodeFlags,
    args: [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--kube-api-qps=100000', '--kube-api-burst=100000', '--log-level=warn'],
  });

export interface ApiServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Node flags given in an environment variable, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
export const nodeFlagsFrom = (variable: string): string[] => process.env[variable]?.split(' ').filter(Boolean) ?? [];

/**
 * The built API server (apps/apiserver/dist/main.mjs) as its own process, as `./k8ts up` runs it.
 * API_NODE_FLAGS passes node flags to it (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
 */
export async function startApiServerProcess(etcd: string): Promise<ApiServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeFlagsFrom('API_NODE_FLAGS'), `${ROOT}apps/apiserver/dist/main.mjs`, `--etcd-servers=${etcd}`, `--port=${port}`, '--log-level=warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; ;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch { /* starting */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('apiserver did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Keep-alive HTTP/1.1 as client-go uses it (fetch's extra machinery would be measured too). */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export function http(method: string, url: string, body?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

export function row(name: string, value: string, target = '', ratio = '') {
  console.log(`${name.padEnd(52)} ${value.padStart(16)}  ${ratio.padStart(14)}  ${target}`);
}

export const podJson = (name: string, ns = 'bench') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: 'bench', tier: 'web' } },
  spec: { containers: [{ name: 'main', image: 'registry.local/bench/app:1.0', resources: { requests: { cpu: '100m', memory: '64Mi' } }, ports: [{ containerPort: 8080 }] }] },
});
