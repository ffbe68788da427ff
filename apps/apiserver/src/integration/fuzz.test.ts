// Randomised robustness: valid objects mutated at random (seeded, reproducible with
// K8TS_FUZZ_SEED) must never produce a 5xx or a crash, and exactly the accepted creates are in
// etcd afterwards — nothing half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

const CASES = Number(process.env.K8TS_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.K8TS_FUZZ_SEED ?? 20261123);
const CONCURRENCY = 16;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const template = { metadata: { labels: { app: 'fz' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m' } } }] } };
const SEEDS: { path: string; plural: string; obj: Record<string, unknown> }[] = [
  { path: '/api/v1/namespaces/default/pods', plural: 'pods', obj: { apiVersion: 'v1', kind: 'Pod', ...template } },
  { path: '/api/v1/namespaces/default/configmaps', plural: 'configmaps', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { a: 'b' } } },
  { path: '/api/v1/namespaces/default/services', plural: 'services', obj: { apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { selector: { app: 'fz' }, ports: [{ port: 80, targetPort: 8080 }] } } },
  {
    path: '/apis/apps/v1/namespaces/default/deployments', plural: 'deployments',
    obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { replicas: 2, selector: { matchLabels: { app: 'fz' } }, template } },
  },
  { path: '/apis/batch/v1/namespaces/default/jobs', plural: 'jobs', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: {}, spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } } },
];

const NASTY: unknown[] = [null, '', 'x', -1, 0, 1.5, 2 ** 53, true, [], {}, [null], { a: 1 }, 'A_B', '-', 'a'.repeat(300), '10.96.0.1', '100m', '1Gi', '∞', '../x', ' '];

type Json = Record<string, unknown>;

function paths(o: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...prefix, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function mutate(obj: Json, rand: () => number): Json {
  const copy = structuredClone(obj);
  const all = paths(copy).filter((p) => p[0] !== 'metadata' || p[1] !== 'name');
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n && all.length; i++) {
    const p = all[Math.floor(rand() * all.length)]!;
    let parent: Json | undefined = copy;
    for (const k of p.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent[k as string] as Json | undefined) : undefined;
    // An earlier mutation may have replaced or removed this path's parent.
    if (!parent || typeof parent !== 'object') continue;
    const last = p.at(-1) as string;
    const r = rand();
    if (r < 0.25) delete parent[last];
    else if (r < 0.9) parent[last] = structuredClone(NASTY[Math.floor(rand() * NASTY.length)]);
    else parent[`unknown${Math.floor(rand() * 3)}`] = 'surprise';
  }
  return copy;
}

describe('randomised bad input', () => {
  it(`${CASES} mutated objects (seed ${SEED}): no 5xx, no crash, no partial write`, async () => {
    const rand = rng(SEED);
    const accepted = new Set<string>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= CASES) return;
        const seed = SEEDS[Math.floor(rand() * SEEDS.length)]!;
        const name = `fz-${i}`;
        const body = mutate({ ...seed.obj, metadata: { ...(seed.obj.metadata as Json), name } }, rand);
        const raw = rand() < 0.03 ? JSON.stringify(body).slice(0, -Math.ceil(rand() * 5)) : JSON.stringify(body);
        const res = await fetch(h.url + seed.path, { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
        const text = await res.text();
        if (res.status >= 500) failures.push(`case ${i} ${seed.plural} → ${res.status} ${text.slice(0, 300)} body=${raw.slice(0, 300)}`);
        else if (res.status === 201) accepted.add(`${seed.plural}/default/${JSON.parse(text).metadata.name}`);
        else if (JSON.parse(text).kind !== 'Status') failures.push(`case ${i}: error without a Status: ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 5)).toEqual([]);
    const keys = new Set<string>();
    for (const s of SEEDS) for (const k of await h.etcdKeys(`${s.path.includes('/apis/') ? `${s.path.split('/')[2]}/` : ''}${s.plural}/`)) keys.add(k);
    const stored = [...keys].map((k) => k.replace(/^\/registry\/(apps\/|batch\/)?/, '')).filter((k) => k.includes('/fz-')).sort();
    expect(stored).toEqual([...accepted].sort());
    expect((await h.call('GET', '/readyz')).status).toBe(200);
  }, 300_000);
});
