// API server benchmarks (issue: "Benchmarks"): every figure beside the same operation on raw
// etcd in the same run, so the ratio shows what the API server costs on this machine.
import { get as httpGet } from 'node:http';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '@k8ts/testing';
import { cpuSeconds, fmt, http, load, percentile, podJson, row, rssMiB, startApiServerProcess } from '../lib.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const LIST_PODS = 5000;
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const FANOUT_CREATES = Number(process.env.BENCH_FANOUT_CREATES ?? 1000);
const PACED_CREATES = Number(process.env.BENCH_PACED_CREATES ?? 100);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 20);
/** BENCH_APISERVER_PART=fanout runs (d) alone. */
const ONLY_FANOUT = process.env.BENCH_APISERVER_PART === 'fanout';

const NAME_FIELD = Buffer.from('"name":"');
/** metadata.name of the event in buf[start, end): the first "name" of the object (metadata comes first). */
function eventName(buf: Buffer, start: number, end: number): string | undefined {
  const at = buf.indexOf(NAME_FIELD, start);
  if (at < 0 || at >= end) return undefined;
  const from = at + NAME_FIELD.length;
  const to = buf.indexOf(34, from); // the closing quote
  return to < 0 || to > end ? undefined : buf.toString('latin1', from, to);
}

const etcd = await startEtcd({ name: 'bench' });
const raw = new Etcd3({ hosts: [etcd.endpoint], grpcOptions: { 'grpc.max_receive_message_length': 256 << 20 } });
const api = await startApiServerProcess(etcd.endpoint);
const post = (path: string, body: unknown) =>
  http('POST', api.url + path, JSON.stringify(body)).then((r) => {
    if (r.status !== 201) throw new Error(`${r.status} ${r.body.toString()}`);
  });

/** (a)–(c): creates, gets and lists against raw etcd. */
async function requestFigures() {
  // (a) creates
  for (const c of [1, 64]) {
    const podBody = JSON.stringify(podJson('x'));
    const rawRes = await load(N, c, (i) => raw.put(`/raw/c${c}/pods/bench/p${i}`).value(podBody).exec().then(() => undefined));
    const apiRes = await load(N, c, (i) => post('/api/v1/namespaces/bench/pods', podJson(`c${c}-${i}`)));
    row(`(a) raw etcd put, concurrency ${c}`, `${fmt(rawRes.perSecond, 0)}/s`);
    row(`(a) pod create via API, concurrency ${c}`, `${fmt(apiRes.perSecond, 0)}/s`, c === 64 ? '≥ 0.5× raw' : '', `${fmt(apiRes.perSecond / rawRes.perSecond, 2)}×`);
    row(`    create latency p50/p99, concurrency ${c}`, `${fmt(apiRes.p50)}/${fmt(apiRes.p99)} ms`);
  }

  // (b) get by name
  for (const c of [1, 64]) {
    const rawRes = await load(N, c, (i) => raw.get(`/raw/c64/pods/bench/p${i % N}`).string().then(() => undefined));
    const apiRes = await load(N, c, (i) => http('GET', `${api.url}/api/v1/namespaces/bench/pods/c64-${i % N}`).then(() => undefined));
    row(`(b) raw etcd get, concurrency ${c}`, `${fmt(rawRes.perSecond, 0)}/s`);
    row(`(b) pod get via API, concurrency ${c}`, `${fmt(apiRes.perSecond, 0)}/s`, '', `${fmt(apiRes.perSecond / rawRes.perSecond, 2)}×`);
  }

  // (c) list of 5,000 pods: fill to 5,000 in a namespace of its own
  await post('/api/v1/namespaces', { metadata: { name: 'list' } });
  await load(LIST_PODS, 64, (i) => post('/api/v1/namespaces/list/pods', podJson(`l-${i}`, 'list')));
  const rawList: number[] = [];
  const rawParsed: number[] = [];
  const apiList: number[] = [];
  const apiParsed: number[] = [];
  for (let i = 0; i < 15; i++) {
    let t = performance.now();
    const kvs = await raw.getAll().prefix('/registry/pods/list/').strings();
    rawList.push(performance.now() - t);
    for (const v of Object.values(kvs)) JSON.parse(v);
    rawParsed.push(performance.now() - t);
    t = performance.now();
    const res = await http('GET', `${api.url}/api/v1/namespaces/list/pods`);
    apiList.push(performance.now() - t);
    const body = JSON.parse(res.body.toString()) as { items: unknown[] };
    apiParsed.push(performance.now() - t);
    if (body.items.length !== LIST_PODS) throw new Error(`listed ${body.items.length}`);
  }
  row('(c) raw etcd range of 5,000 pods, p50', `${fmt(percentile(rawList, 50))} ms`);
  row('(c) list 5,000 pods via API (watch cache), p50', `${fmt(percentile(apiList, 50))} ms`, 'p50 < 100 ms', `${fmt(percentile(apiList, 50) / percentile(rawList, 50), 2)}×`);
  row('    list 5,000 pods via API, p99', `${fmt(percentile(apiList, 99))} ms`);
  row('(c) … the same, each followed by JSON.parse: raw, p50', `${fmt(percentile(rawParsed, 50))} ms`);
  row('(c) … the same, each followed by JSON.parse: API, p50', `${fmt(percentile(apiParsed, 50))} ms`, '', `${fmt(percentile(apiParsed, 50) / percentile(rawParsed, 50), 2)}×`);
  const metrics = (await http('GET', `${api.url}/metrics`)).body.toString();
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1]) / 2 ** 20;
  row('(c) apiserver RSS with ~9,000 pods stored', `${fmt(rssMiB(api.pid))} MiB`, '< 300 MiB (5,000 pods)');
  row('    apiserver V8 heap in use', `${fmt(heap)} MiB`);
}

try {
  await post('/api/v1/namespaces', { metadata: { name: 'bench' } });
  console.log(`\nk8ts API server benchmarks — ${new Date().toISOString()} — etcd ${etcd.endpoint}`);
  row('figure', 'value', 'target', 'ratio to raw');

  if (!ONLY_FANOUT) await requestFigures();

  // (d) fan-out: one set of watchers sees a paced phase (a rate the machine sustains: latency
  // without queueing) and then a burst (every create at once: the queue drains at fan-out speed).
  await post('/api/v1/namespaces', { metadata: { name: 'fan' } });
  const listRv = JSON.parse((await http('GET', `${api.url}/api/v1/namespaces/fan/pods`)).body.toString()).metadata.resourceVersion as string;
  const sent = new Map<string, number>();
  const delays = { paced: [] as number[], burst: [] as number[] };
  const received = { paced: 0, burst: 0 };
  const arrived = { paced: () => {}, burst: () => {} };
  const aborts: AbortController[] = [];
  for (let w = 0; w < WATCHERS; w++) {
    const ac = new AbortController();
    aborts.push(ac);
    // Each watcher is a plain node:http stream that finds its events' names in the raw bytes: with
    // 1,000 watchers in this process, fetch's web streams and decoding whole events cost more CPU
    // than the server's fan-out and, on two shared cores, slowed the very delivery measured.
    const req = httpGet(`${api.url}/api/v1/namespaces/fan/pods?watch=true&resourceVersion=${listRv}`, { signal: ac.signal }, (res) => {
      let rest: Buffer = Buffer.alloc(0);
      res.on('error', () => undefined);
      res.on('data', (chunk: Buffer) => {
        const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        let start = 0;
        for (let end = buf.indexOf(10); end >= 0; start = end + 1, end = buf.indexOf(10, start)) {
          const name = eventName(buf, start, end);
          const t0 = name ? sent.get(name) : undefined;
          if (!name || t0 === undefined) continue;
          const phase = name.startsWith('paced') ? 'paced' : 'burst';
          delays[phase].push(performance.now() - t0);
          received[phase]++;
          arrived[phase]();
        }
        rest = buf.subarray(start);
      });
    });
    req.on('error', () => undefined);
  }
  await new Promise((r) => setTimeout(r, 2000));

  const phase = async (name: 'paced' | 'burst', creates: number, concurrency: number, gapMs: number) => {
    const all = new Promise<void>((resolve) => (arrived[name] = () => received[name] === WATCHERS * creates && resolve()));
    const start = performance.now();
    const serverCpu0 = cpuSeconds(api.pid);
    const clientCpu0 = process.cpuUsage();
    await load(creates, concurrency, async (i) => {
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      sent.set(`${name}-${i}`, performance.now());
      await post('/api/v1/namespaces/fan/pods', podJson(`${name}-${i}`, 'fan'));
    });
    await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
    const clientUsage = process.cpuUsage(clientCpu0);
    return {
      seconds: (performance.now() - start) / 1000,
      serverCpu: cpuSeconds(api.pid) - serverCpu0,
      clientCpu: (clientUsage.user + clientUsage.system) / 1e6,
    };
  };
  await phase('paced', PACED_CREATES, 1, 1000 / PACED_RATE);
  row(`(d) ${WATCHERS} watchers, ${PACED_CREATES} creates paced at ${PACED_RATE}/s: delivered`, `${received.paced}`, `${WATCHERS * PACED_CREATES} expected`);
  row('(d) paced: event delivery latency p50 / p99', `${fmt(percentile(delays.paced, 50))} / ${fmt(percentile(delays.paced, 99))} ms`, 'p99 < 100 ms');
  const burst = await phase('burst', FANOUT_CREATES, 8, 0);
  row(`(d) ${WATCHERS} watchers, ${FANOUT_CREATES} creates at once: delivered`, `${received.burst}`, `${WATCHERS * FANOUT_CREATES} expected`);
  row('(d) burst: event delivery latency p50 / p99', `${fmt(percentile(delays.burst, 50))} / ${fmt(percentile(delays.burst, 99))} ms`, 'p99 < 100 ms');
  row('(d) burst: wall time', `${fmt(burst.seconds, 2)} s`);
  row('    CPU used meanwhile: API server / load generator', `${fmt(burst.serverCpu)} s / ${fmt(burst.clientCpu)} s`);
  const etcdMetrics = await (await fetch(`${etcd.endpoint}/metrics`)).text();
  const etcdWatchers = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(etcdMetrics)?.[1] ?? '?';
  row('(d) etcd watchers held by the API server', etcdWatchers, `1 per resource (${19})`);
  row('(d) apiserver RSS during fan-out', `${fmt(rssMiB(api.pid))} MiB`, '< 300 MiB');
  for (const ac of aborts) ac.abort();
} finally {
  raw.close();
  await api.stop();
  await etcd.stop();
}
