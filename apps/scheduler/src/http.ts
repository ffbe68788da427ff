// The scheduler's own HTTP endpoint (loopback): health, Prometheus metrics, and the debug pages
// that make each decision explainable — per pod, the last cycle's verdict of every node.
//   GET /healthz, /readyz            "ok" (readyz: informers have synced)
//   GET /metrics                     Prometheus text
//   GET /debug/pods/<ns>/<name>      the last cycle for that pod (JSON; ?format=text for a table)
//   GET /debug/cache                 nodes with requested/allocatable, assumed pods
//   GET /debug/queue                 pending pods per sub-queue
//   GET /debug/leader                who leads
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface DebugSources {
  ready(): boolean;
  metrics: Registry;
  explanation(namespace: string, name: string): { json: unknown; text: string } | undefined;
  cache(): unknown;
  queue(): unknown;
  leader(): unknown;
}

export interface HttpEndpoint {
  url: string;
  close(): Promise<void>;
}

const send = (res: http.ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8') => {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const json = (res: http.ServerResponse, code: number, body: unknown) => send(res, code, `${JSON.stringify(body, null, 2)}\n`, 'application/json');

async function route(req: http.IncomingMessage, res: http.ServerResponse, s: DebugSources): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://scheduler');
  if (req.method !== 'GET') return json(res, 405, { message: 'only GET is served here' });
  const path = url.pathname;
  if (path === '/healthz' || path === '/livez') return send(res, 200, 'ok');
  if (path === '/readyz') return s.ready() ? send(res, 200, 'ok') : send(res, 503, 'informers have not synced');
  if (path === '/metrics') return send(res, 200, await s.metrics.metrics(), s.metrics.contentType);
  if (path === '/debug/cache') return json(res, 200, s.cache());
  if (path === '/debug/queue') return json(res, 200, s.queue());
  if (path === '/debug/leader') return json(res, 200, s.leader());
  const m = /^\/debug\/pods\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const [ns, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    const e = s.explanation(ns, name);
    if (!e) return json(res, 404, { message: `no scheduling cycle recorded for pod ${ns}/${name} by this scheduler (is it the leader? was the pod created with spec.nodeName set?)` });
    return url.searchParams.get('format') === 'text' ? send(res, 200, e.text) : json(res, 200, e.json);
  }
  return json(res, 404, { message: `no such page: ${path}` });
}

export async function startHttp(opts: { bindAddress: string; port: number; sources: DebugSources; onError: (e: unknown) => void }): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    route(req, res, opts.sources).catch((e: unknown) => {
      opts.onError(e);
      if (!res.headersSent) json(res, 500, { message: (e as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.bindAddress}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
