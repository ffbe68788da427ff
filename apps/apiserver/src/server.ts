// Builds the API server: one etcd client, one watch cache and store per resource, admission,
// bootstrap, and the HTTP routes. `startApiServer` resolves once it listens; `ready` once the
// caches are filled and the system objects exist.
import { ApiError, RESOURCES, selectableFields, type ResourceInfo } from '@k8ts/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { admitDefaultTolerations } from './admission/default-tolerations.ts';
import { admitPriority } from './admission/priority.ts';
import { ServiceAllocator } from './admission/services.ts';
import { admitNamespace } from './admission/namespace-lifecycle.ts';
import { bootstrap } from './bootstrap.ts';
import { MAX_BODY_BYTES } from './http/negotiate.ts';
import { apiMetrics } from './metrics.ts';
import { loadSchemas, type Schemas } from './openapi/index.ts';
import { DEFAULTS, type ApiServerOptions } from './options.ts';
import { strategyFor } from './registry/index.ts';
import { ResourceStore, type Hooks } from './registry/store.ts';
import { storeKey, type ApiContext } from './rest/context.ts';
import { serveApi } from './routes/api.ts';
import { systemRoutes } from './routes/system.ts';
import { attachWebSocketWatch } from './routes/websocket.ts';
import { EtcdStore } from './storage/etcd-store.ts';
import { WatchCache } from './storage/watch-cache.ts';
import { WatchDispatcher } from './storage/dispatcher.ts';
import { Compactor } from './storage/compactor.ts';

export interface ApiServer {
  url: string;
  port: number;
  /** caches filled and system objects created */
  ready: Promise<void>;
  stores: Map<string, ResourceStore>;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startApiServer(input: Partial<ApiServerOptions> & Pick<ApiServerOptions, 'etcdServers'>, logger?: Logger): Promise<ApiServer> {
  const o: ApiServerOptions = { ...DEFAULTS, ...input };
  const log = logger ?? pino({ level: o.logLevel, base: { component: 'apiserver' } });
  const metrics = apiMetrics();
  const etcd = new EtcdStore({ endpoints: o.etcdServers, metrics });
  const stores = new Map<string, ResourceStore>();
  const storeOf = (key: string) => stores.get(key)!;

  let services: ServiceAllocator | undefined;
  const hooks: Hooks = {
    async beforeCreate(r: ResourceInfo, obj) {
      if (r.namespaced) await admitNamespace(storeOf('namespaces'), r, obj);
      if (r.kind === 'Pod') await admitPriority(storeOf('priorityclasses.scheduling.k8s.io'), r, obj);
      if (r.kind === 'Pod') admitDefaultTolerations({ notReadySeconds: o.defaultNotReadyTolerationSeconds, unreachableSeconds: o.defaultUnreachableTolerationSeconds }, r, obj);
      if (r.kind === 'Service') return services!.admit(obj, undefined);
      return () => undefined;
    },
    async beforeUpdate(r, obj, old) {
      if (r.kind === 'Service') return services!.admit(obj, old);
      return () => undefined;
    },
  };
  const dispatcher = new WatchDispatcher(etcd, o.etcdPrefix, log);
  for (const r of RESOURCES) {
    const strategy = strategyFor(r);
    const prefix = `${o.etcdPrefix}/${r.group ? `${r.group}/` : ''}${r.plural}/`;
    const cache = new WatchCache({ etcd, dispatcher, prefix, fieldsOf: (obj) => selectableFields(r.kind, obj), config: { capacity: o.watchCacheSize } });
    stores.set(storeKey(r), new ResourceStore(strategy, etcd, cache, hooks));
  }
  void dispatcher.start();
  const compactor = new Compactor(etcd, o.etcdCompactionIntervalMs, log);
  compactor.start();
  services = new ServiceAllocator(storeOf('services'), { serviceCIDR: o.serviceClusterIPRange, nodePorts: o.serviceNodePortRange });

  let schemas: Schemas | undefined;
  if (o.openapiFile) {
    try {
      schemas = loadSchemas(o.openapiFile);
    } catch (e) {
      log.warn({ err: (e as Error).message, file: o.openapiFile }, 'OpenAPI schemas not loaded: /openapi and strict field validation are off');
    }
  }

  const ctx: ApiContext = {
    stores, log, now: () => new Date(), schemas,
    pdbResource: RESOURCES.find((r) => r.plural === 'poddisruptionbudgets')!,
    watchOpened: (r) => metrics.watchers.inc({ resource: r }),
    watchClosed: (r) => metrics.watchers.dec({ resource: r }),
  };

  // Fastify's own request logging stays off: one line per request comes from the onResponse hook.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES + 1, return503OnClosing: true, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (e.code >= 500) log.error({ err, url: req.url }, 'request failed');
    void reply.code(e.code).header('content-type', 'application/json').send(JSON.stringify(e.toStatus()));
  });
  app.setNotFoundHandler((_req, reply) => {
    const e = new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    void reply.code(404).send(e.toStatus());
  });

  app.addHook('onRequest', async (req) => {
    (req as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (req, reply) => {
    const routed = (req as { routed?: { verb: string; resource: string } }).routed;
    const ms = Number(process.hrtime.bigint() - ((req as { startedAt?: bigint }).startedAt ?? 0n)) / 1e6;
    const verb = routed?.verb ?? req.method.toLowerCase();
    const resource = routed?.resource ?? '';
    metrics.requests.inc({ verb, resource, code: String(reply.statusCode) });
    if (verb !== 'watch') metrics.latency.observe({ verb, resource }, ms / 1000);
    log.info({ verb, resource, method: req.method, url: req.url, code: reply.statusCode, ms: Math.round(ms * 10) / 10, ua: req.headers['user-agent'] }, 'request');
  });

  const api = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const routed = await serveApi(ctx, req, reply);
    (req as { routed?: unknown }).routed = routed;
    if (routed?.verb === 'watch') {
      // A hijacked watch response logs when established; its end is the client's business.
      metrics.requests.inc({ verb: 'watch', resource: routed.resource, code: '200' });
      log.info({ verb: 'watch', resource: routed.resource, url: req.url, ua: req.headers['user-agent'] }, 'watch started');
    }
  };
  for (const path of ['/api', '/api/*', '/apis', '/apis/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: path, handler: api });
  }

  let bootstrapped = false;
  const ready = (async () => {
    await dispatcher.ready;
    for (let attempt = 0; ; attempt++) {
      try {
        await bootstrap(storeOf, { serviceCIDR: o.serviceClusterIPRange, advertiseAddress: o.advertiseAddress, port: o.port });
        break;
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'bootstrap failed, retrying');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
      }
    }
    bootstrapped = true;
  })();
  ready.catch(() => undefined);

  systemRoutes(app, {
    metrics,
    schemas: () => schemas,
    checks: {
      livez: [{ name: 'ping', check: async () => undefined }],
      readyz: [
        { name: 'ping', check: async () => undefined },
        { name: 'etcd', check: async () => void (await etcd.revision()) },
        { name: 'informer-sync', check: async () => { if (!bootstrapped) throw new Error('watch caches or bootstrap not done'); } },
      ],
    },
  });

  const wss = new WebSocketServer({ noServer: true });
  attachWebSocketWatch(app, wss, ctx);

  const bookmarks = setInterval(() => {
    for (const s of stores.values()) s.cache.bookmarkAll();
  }, o.bookmarkIntervalMs);
  bookmarks.unref();

  await app.listen({ host: o.bindAddress, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  o.port = port;
  const url = `http://${o.bindAddress.includes(':') ? `[${o.bindAddress}]` : o.bindAddress}:${port}`;
  log.info({ url, etcd: o.etcdServers, prefix: o.etcdPrefix }, 'apiserver listening');

  return {
    url, port, ready, stores, app,
    async close() {
      clearInterval(bookmarks);
      compactor.stop();
      for (const s of stores.values()) s.cache.stop();
      await dispatcher.stop();
      for (const c of wss.clients) c.terminate();
      await app.close();
      etcd.close();
    },
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ApiError(e.statusCode, 'BadRequest', e.message ?? 'bad request');
  return new ApiError(500, 'InternalError', `Internal error occurred: ${e.message ?? String(err)}`);
}
