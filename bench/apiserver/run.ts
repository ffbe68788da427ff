// API server benchmarks (issue: "Benchmarks"): every figure beside the same operation on raw
// etcd in the same run, so the ratio shows what the API server costs on this machine.
import { Etcd3 } from 'etcd3';
import { startEtcd } from '@k8ts/testing';
import { cpuSeconds, fmt, http, load, percentile, podJson, row, rssMiB, startApiServerProcess } from '../lib.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const LIST_PODS = 5000;
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const FANOUT_CREATES = Number(process.env.BENCH_FANOUT_CREATES ?? 1000);

const etcd = await startEtcd({ name: 'bench' });
const raw = new Etcd3({ hosts: [etcd.endpoint], grpcOptions: { 'grpc.max_receive_message_length': 256 << 20 } });
const api = await startApiServerProcess(etcd.endpoint);
const post = (path: string, body: unknown) =>
  http('POST', api.url + path, JSON.stringify(body)).then((r) => {
    if (r.status !== 201) throw new Error(`${r.status} ${r.body.toString()}`);
  });

try {
  await post('/api/v1/namespaces', { metadata: { name: 'bench' } });
  console.log(`\nk8ts API server benchmarks — ${new Date().toISOString()} — etcd ${etcd.endpoint}`);
  row('figure', 'value', 'target', 'ratio to raw');

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

  // (d) fan-out
  const listRv = ((await (await fetch(`${api.url}/api/v1/namespaces/fan/pods`)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  await post('/api/v1/namespaces', { metadata: { name: 'fan' } });
  const sent = new Map<string, number>();
  const delays: number[] = [];
  let received = 0;
  const aborts: AbortController[] = [];
  const done = new Promise<void>((resolve) => {
    for (let w = 0; w < WATCHERS; w++) {
      const ac = new AbortController();
      aborts.push(ac);
      void fetch(`${api.url}/api/v1/namespaces/fan/pods?watch=true&resourceVersion=${listRv}`, { signal: ac.signal }).then(async (res) => {
        const dec = new TextDecoder();
        let buf = '';
        for await (const chunk of res.body!) {
          buf += dec.decode(chunk as Uint8Array, { stream: true });
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            const name = /"name":"(f-\d+)"/.exec(line)?.[1];
            const t0 = name ? sent.get(name) : undefined;
            if (t0 !== undefined) delays.push(performance.now() - t0);
            if (++received === WATCHERS * FANOUT_CREATES) resolve();
          }
        }
      }).catch(() => undefined);
    }
  });
  await new Promise((r) => setTimeout(r, 2000));
  const fanStart = performance.now();
  const serverCpu0 = cpuSeconds(api.pid);
  const clientCpu0 = process.cpuUsage();
  await load(FANOUT_CREATES, 8, async (i) => {
    sent.set(`f-${i}`, performance.now());
    await post('/api/v1/namespaces/fan/pods', podJson(`f-${i}`, 'fan'));
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
  const fanSeconds = (performance.now() - fanStart) / 1000;
  const serverCpu = cpuSeconds(api.pid) - serverCpu0;
  const clientUsage = process.cpuUsage(clientCpu0);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
  const etcdMetrics = await (await fetch(`${etcd.endpoint}/metrics`)).text();
  const etcdWatchers = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(etcdMetrics)?.[1] ?? '?';
  row(`(d) ${WATCHERS} watchers × ${FANOUT_CREATES} creates: events delivered`, `${received}`, `${WATCHERS * FANOUT_CREATES} expected`);
  row('(d) event delivery latency p50 (from create sent)', `${fmt(percentile(delays, 50))} ms`);
  row('(d) event delivery latency p99', `${fmt(percentile(delays, 99))} ms`, 'p99 < 100 ms');
  row('(d) fan-out wall time', `${fmt(fanSeconds, 2)} s`);
  row('    CPU used meanwhile: API server / load generator', `${fmt(serverCpu)} s / ${fmt(clientCpu)} s`);
  row('(d) etcd watchers held by the API server', etcdWatchers, `1 per resource (${19})`);
  row('(d) apiserver RSS during fan-out', `${fmt(rssMiB(api.pid))} MiB`, '< 300 MiB');
  for (const ac of aborts) ac.abort();
} finally {
  raw.close();
  await api.stop();
  await etcd.stop();
}
