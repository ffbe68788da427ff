// Upgrades: watch over WebSocket on the same path as the chunked watch (one JSON event per text
// message; our own components use it, kubectl and client-go use the chunked form), and the pod
// streams — exec, attach, portforward — proxied to the pod's kubelet (rest/pod-proxy.ts).
import { ApiError } from '@k8ts/api';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { negotiate } from '../http/negotiate.ts';
import { parseApiPath } from '../http/request-info.ts';
import { storeFor, type ApiContext, type Query } from '../rest/context.ts';
import { isStreamSubresource, kubeletTarget, proxyUpgrade } from '../rest/pod-proxy.ts';
import { filterOf } from '../rest/read.ts';
import { serveWatch } from '../rest/watch.ts';

/** The query with repeated parameters (`command=a&command=b`) as arrays. */
function queryOf(url: URL): Query {
  const query: Query = {};
  for (const [k, v] of url.searchParams) {
    const have = query[k];
    query[k] = have === undefined ? v : Array.isArray(have) ? [...have, v] : [have, v];
  }
  return query;
}

function refuse(socket: Duplex, err: ApiError) {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function attachWebSocketWatch(app: FastifyInstance, wss: WebSocketServer, ctx: ApiContext) {
  // Proxied pod streams leave the HTTP server's bookkeeping once upgraded: end them on close.
  const streams = new Set<Duplex>();
  app.addHook('onClose', async () => {
    for (const s of streams) s.destroy();
  });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const info = parseApiPath(url.pathname);
      const query = queryOf(url);
      const r0 = info?.resource;
      const sub = info?.subresource;
      if (r0 && r0.group === '' && r0.plural === 'pods' && info.namespace && info.name && isStreamSubresource(sub)) {
        const resource = `pods/${sub}`;
        streams.add(socket);
        socket.once('close', () => streams.delete(socket));
        void kubeletTarget(ctx, r0, info.namespace, info.name, sub, query)
          .then((target) => {
            ctx.log.info({ verb: 'create', resource, url: req.url, kubelet: `${target.host}:${target.port}`, ua: req.headers['user-agent'] }, 'stream proxied');
            return proxyUpgrade(req, socket, head, target, ctx.log);
          })
          .catch((e: unknown) => {
            ctx.log.info({ verb: 'create', resource, url: req.url, err: (e as Error).message }, 'stream refused');
            refuse(socket, e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message));
          });
        return;
      }
      const watching = query.watch === 'true' || query.watch === '1';
      if (!info?.resource || info.name !== undefined || !watching) {
        throw new ApiError(400, 'BadRequest', 'only watch requests can be upgraded to a WebSocket here');
      }
      const r = info.resource;
      const filter = filterOf(r, query);
      const rep = negotiate(req.headers.accept, query, true);
      const store = storeFor(ctx, r);
      wss.handleUpgrade(req, socket, head, (ws) => {
        ctx.watchOpened(r.plural);
        ctx.log.info({ verb: 'watch', resource: r.plural, url: req.url, transport: 'websocket' }, 'watch started');
        void serveWatch(ctx, { r, store, namespace: info.namespace, filter, rep, query }, {
          // One text message per event, without the newline that ends it on an HTTP stream.
          write: (line) => ws.send(typeof line === 'string' ? line.trimEnd() : line.subarray(0, -1), { binary: false }),
          get backlog() {
            return ws.bufferedAmount;
          },
          end: () => ws.close(1000),
          onClose: (f) => ws.once('close', f),
        }, () => ctx.watchClosed(r.plural));
      });
    } catch (e) {
      refuse(socket, e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message));
    }
  });
}
