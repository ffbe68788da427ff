// HTTPS probes accept any certificate, as upstream's probe transport does. The self-signed
// certificate is made per run with the openssl CLI; the server listens on 127.0.0.1.
import { FakeRuntime } from '@k8ts/cri';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podWith } from './fixtures.ts';
import { runProbe } from './run.ts';

let server: Server;
let port = 0;
const dir = mkdtempSync(join(tmpdir(), 'k8ts-probe-tls-'));

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k', '-out', 'c', '-days', '1', '-subj', '/CN=pod'], { cwd: dir, stdio: 'pipe' });
  server = createServer({ key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) }, (req, res) => {
    res.writeHead(req.url === '/healthz' ? 200 : 503).end(`tls ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('httpGet with scheme HTTPS', () => {
  it.each([
    { name: 'self-signed certificate accepted', path: '/healthz', want: { result: 'Success', output: 'tls /healthz' } },
    { name: 'status still decides', path: '/other', want: { result: 'Failure', output: 'HTTP probe failed with statuscode: 503' } },
  ])('$name', async ({ path, want }) => {
    const probe = { httpGet: { scheme: 'HTTPS', port, path } };
    const pod = podWith({ readinessProbe: probe });
    const out = await runProbe(probe, { pod, container: pod.spec!.containers[0]!, containerId: 'c', podIP: '127.0.0.1', runtime: new FakeRuntime() });
    expect(out).toEqual(want);
  });
});
