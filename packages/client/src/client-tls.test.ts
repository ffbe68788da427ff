// The client over TLS: server verified against the kubeconfig's CA, a client certificate
// presented, or verification skipped. Certificates are made per run with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './client.ts';
import type { KubeConfigEntry } from './kubeconfig.ts';

const nodes = resourceFor('', 'v1', 'nodes') as ResourceInfo;
const dir = mkdtempSync(join(tmpdir(), 'client-tls-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makePki() {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=k8ts-test-ca');
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subj, ext] of [['server', '/CN=apiserver', ['-extfile', 'san.ext']], ['client', '/O=system:masters/CN=admin', []]] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', ...ext);
  }
  return { ca: readFileSync(file('ca.crt')), cert: readFileSync(file('client.crt')), key: readFileSync(file('client.key')) };
}

let pki: ReturnType<typeof makePki>;
let server: https.Server;
let url: string;

beforeAll(async () => {
  pki = makePki();
  server = https.createServer(
    { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')), ca: pki.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Node', metadata: { name: 'n1' }, clientCN: peer?.subject?.CN ?? null, auth: req.headers.authorization ?? null }));
    },
  );
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    ws.send(JSON.stringify({ type: 'ADDED', object: { metadata: { name: peer?.subject?.CN ?? 'anonymous' } } }));
    ws.close();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('Client over TLS', () => {
  const cases: { name: string; config: () => Omit<KubeConfigEntry, 'server'>; want: Record<string, unknown> }[] = [
    { name: 'CA and client certificate', config: () => ({ ca: pki.ca, cert: pki.cert, key: pki.key }), want: { clientCN: 'admin', auth: null } },
    { name: 'CA and bearer token', config: () => ({ ca: pki.ca, token: 't0k' }), want: { clientCN: null, auth: 'Bearer t0k' } },
    { name: 'verification skipped', config: () => ({ insecureSkipTLSVerify: true }), want: { clientCN: null } },
  ];
  it.each(cases)('$name', async ({ config, want }) => {
    const client = new Client({ config: { server: url, ...config() } });
    expect(await client.get(nodes, 'n1')).toMatchObject(want);
    client.close();
  });

  it('refuses a server its CA did not sign', async () => {
    const client = new Client({ config: { server: url } });
    await expect(client.get(nodes, 'n1')).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    client.close();
  });

  it('watches over wss with the same credentials', async () => {
    const client = new Client({ config: { server: url, ca: pki.ca, cert: pki.cert, key: pki.key } });
    const names: string[] = [];
    for await (const e of client.watch<{ metadata: { name: string } }>(nodes, { transport: 'websocket' })) {
      if (e.type !== 'ERROR') names.push(e.object.metadata.name);
    }
    expect(names).toEqual(['admin']);
    client.close();
  });
});
