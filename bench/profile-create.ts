// Profiles the API server process under pod creates (node --cpu-prof), for finding hot spots.
import { spawn } from 'node:child_process';
import { startEtcd, freePort } from '@k8ts/testing';
import { http, load, podJson, ROOT } from './lib.ts';

const dir = process.argv[2] ?? '/tmp/k8ts-cpuprof';
const etcd = await startEtcd();
const port = await freePort();
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `${ROOT}apps/apiserver/dist/main.mjs`, `--etcd-servers=${etcd.endpoint}`, `--port=${port}`, '--log-level=warn'], { stdio: 'inherit' });
const url = `http://127.0.0.1:${port}`;
while (!(await http('GET', `${url}/readyz`).catch(() => ({ status: 0 }))).status.toString().startsWith('2')) await new Promise((r) => setTimeout(r, 100));
const res = await load(4000, 64, (i) => http('POST', `${url}/api/v1/namespaces/default/pods`, JSON.stringify(podJson(`p${i}`, 'default'))).then(() => undefined));
console.log(`creates/s ${res.perSecond.toFixed(0)}; profile in ${dir}`);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await etcd.stop();
