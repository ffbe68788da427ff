// The controller manager's loopback endpoint: /healthz, /livez, /readyz and /metrics.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export async function startHttp(o: { bindAddress: string; port: number; ready(): boolean; metrics: Registry }): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz' || path === '/livez') return send(200, 'ok');
    if (path === '/readyz') return o.ready() ? send(200, 'ok') : send(503, 'controllers are not running yet');
    if (path === '/metrics') {
      o.metrics.metrics().then((text) => send(200, text, o.metrics.contentType), (e: Error) => send(500, e.message));
      return;
    }
    send(404, `no such page: ${path}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.bindAddress}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
