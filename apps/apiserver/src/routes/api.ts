// The resource API: every request under /api and /apis. Parses where the request points,
// picks the verb, and answers with the object, a list, a watch stream or a Status.
import { ApiError, badRequest, methodNotAllowed, notFound, type ResourceInfo } from '@k8ts/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiResourceList } from '../discovery/index.ts';
import { negotiate } from '../http/negotiate.ts';
import { parseApiPath, type RequestInfo } from '../http/request-info.ts';
import { storeFor, type ApiContext, type Query } from '../rest/context.ts';
import { filterOf, getObject, listObjects, renderList, renderObject } from '../rest/read.ts';
import { isStreamSubresource, kubeletTarget, serveLog } from '../rest/pod-proxy.ts';
import { bind, evict, finalize, toScale, updateScale } from '../rest/subresources.ts';
import { serveWatch } from '../rest/watch.ts';
import { create, patch, remove, removeCollection, update, type WriteRequest } from '../rest/write.ts';
import { sendDiscovery } from './discovery.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface Routed {
  verb: Verb;
  resource: string;
}

const notServed = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** Answers one API request; returns what it was, for logs and metrics. */
export async function serveApi(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply): Promise<Routed | undefined> {
  const url = new URL(req.url, 'http://x');
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.length <= 2 && (parts.length === 1 || parts[0] === 'apis')) {
    await sendDiscovery(req, reply, parts);
    return undefined;
  }
  const info = parseApiPath(url.pathname);
  if (!info) throw notServed();
  if (!info.plural) {
    const list = apiResourceList(info.group, info.version);
    if (!list) throw notServed();
    await sendDiscovery(req, reply, parts, list);
    return undefined;
  }
  const r = info.resource;
  if (!r) throw notServed();
  if (info.namespace !== undefined && !r.namespaced) throw notServed();
  const query = req.query as Query;
  const sub = info.subresource;
  if (sub !== undefined && !r.subresources.some((s) => s.name === sub)) throw notServed();
  return dispatch(ctx, req, reply, r, info, query);
}

async function dispatch(ctx: ApiContext, req: FastifyRequest, reply: FastifyReply, r: ResourceInfo, info: RequestInfo, query: Query): Promise<Routed> {
  const store = storeFor(ctx, r);
  const w: WriteRequest = {
    r, store, namespace: info.namespace, name: info.name, query,
    body: req.body as Buffer | undefined,
    contentType: req.headers['content-type'],
    userAgent: req.headers['user-agent'],
    warnings: [],
  };
  const sub = info.subresource;
  const resource = sub ? `${r.plural}/${sub}` : r.plural;
  const json = (code: number, body: string | object) => {
    if (w.warnings.length) reply.header('warning', w.warnings.map((m) => `299 - ${JSON.stringify(m)}`));
    return reply.code(code).header('content-type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const rep = () => negotiate(req.headers.accept, query, sub === undefined || sub === 'status');

  if (info.name === undefined) {
    switch (req.method) {
      case 'GET': {
        const filter = filterOf(r, query);
        const watching = query.watch === 'true' || query.watch === '1';
        const representation = rep();
        if (watching) {
          await watchHttp(ctx, reply, { r, store, namespace: info.namespace, filter, rep: representation, query });
          return { verb: 'watch', resource };
        }
        const list = await listObjects(store, info.namespace, query, filter);
        json(200, renderList(ctx, r, list, representation));
        return { verb: 'list', resource };
      }
      case 'POST':
        json(201, renderObject(ctx, r, await create(ctx, w), { as: 'json' }));
        return { verb: 'create', resource };
      case 'DELETE': {
        const filter = filterOf(r, query);
        const list = await listObjects(store, info.namespace, { ...query, limit: undefined, continue: undefined }, filter);
        const deleted = await removeCollection(ctx, w, list.entries.map((e) => e.obj));
        json(200, { kind: r.listKind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: {}, items: deleted });
        return { verb: 'deletecollection', resource };
      }
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  const name = info.name;
  if (sub === undefined || sub === 'status') {
    switch (req.method) {
      case 'GET': {
        const obj = await getObject(store, info.namespace, name, query);
        json(200, renderObject(ctx, r, obj, rep()));
        return { verb: 'get', resource };
      }
      case 'PUT':
        json(200, renderObject(ctx, r, await update(ctx, w, sub), { as: 'json' }));
        return { verb: 'update', resource };
      case 'PATCH':
        json(200, renderObject(ctx, r, await patch(ctx, w, sub), { as: 'json' }));
        return { verb: 'patch', resource };
      case 'DELETE': {
        if (sub) break;
        const res = await remove(ctx, w);
        json(res.code, res.body);
        return { verb: 'delete', resource };
      }
    }
    throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
  switch (`${req.method} ${sub}`) {
    case 'GET scale':
      json(200, toScale(await store.get(info.namespace, name)));
      return { verb: 'get', resource };
    case 'PUT scale':
    case 'PATCH scale':
      json(200, await updateScale(ctx, w, req.method as 'PUT' | 'PATCH'));
      return { verb: req.method === 'PUT' ? 'update' : 'patch', resource };
    case 'POST binding':
      json(201, await bind(ctx, w));
      return { verb: 'create', resource };
    case 'POST eviction':
      json(201, await evict(ctx, w));
      return { verb: 'create', resource };
    case 'PUT finalize':
      json(200, await finalize(ctx, w));
      return { verb: 'update', resource };
  }
  if (sub === 'log' || isStreamSubresource(sub)) {
    if (sub === 'log' && req.method === 'GET') {
      await serveLog(ctx, r, reply, info.namespace!, name, query);
      return { verb: 'get', resource };
    }
    if (sub !== 'log' && (req.method === 'GET' || req.method === 'POST')) {
      // Upgrades are proxied from the server's 'upgrade' event (routes/websocket.ts); a plain
      // request still gets the pod's own errors first, as upstream.
      await kubeletTarget(ctx, r, info.namespace!, name, sub, query);
      throw badRequest('Upgrade request required');
    }
    throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
  throw notFound({ group: r.group, resource: r.plural }, name);
}

async function watchHttp(ctx: ApiContext, reply: FastifyReply, w: Parameters<typeof serveWatch>[1]) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  ctx.watchOpened(w.r.plural);
  // Events that arrive together (a burst of writes) leave in one syscall: cork until this turn of
  // the event loop ends, so that events from every etcd message read in this turn go together.
  let corked = false;
  await serveWatch(ctx, w, {
    write: (line) => {
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(line);
    },
    get backlog() {
      return res.writableLength;
    },
    end: () => res.end(),
    onClose: (f) => res.once('close', f),
  }, () => ctx.watchClosed(w.r.plural));
}
