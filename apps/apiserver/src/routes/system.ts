// Health, version, metrics and OpenAPI: the endpoints outside the resource tree.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { rfc3339 } from '../time.ts';
import { notAcceptable, notFound } from '@k8ts/api';
import { openapiV2, openapiV3GroupVersion, openapiV3Index, type Schemas } from '../openapi/index.ts';
import type { ApiMetrics } from '../metrics.ts';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-k8ts',
  gitCommit: 'unknown',
  gitTreeState: 'clean',
  // When this code was built: the bundle's (or, run from source, this file's) modification time.
  buildDate: rfc3339(statSync(fileURLToPath(import.meta.url)).mtime),
  goVersion: `node${process.versions.node}`,
  compiler: 'k8ts',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export function systemRoutes(app: FastifyInstance, o: { metrics: ApiMetrics; schemas: () => Schemas | undefined; checks: { livez: HealthCheck[]; readyz: HealthCheck[] } }) {
  app.get('/version', async (_req, reply) => reply.send(VERSION));

  const health = (checks: HealthCheck[], path: string) => async (req: { query: unknown }, reply: import('fastify').FastifyReply) => {
    const verbose = (req.query as Record<string, string>).verbose !== undefined;
    const results = await Promise.all(checks.map(async (c) => {
      try {
        await withTimeout(c.check(), 2_000);
        return { name: c.name, ok: true };
      } catch (e) {
        return { name: c.name, ok: false, why: (e as Error).message };
      }
    }));
    const ok = results.every((r) => r.ok);
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${verbose ? r.why : 'reason withheld'}`));
    reply.header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff');
    if (ok && !verbose) return reply.code(200).send('ok');
    return reply.code(ok ? 200 : 500).send(`${lines.join('\n')}\n${ok ? `${path.slice(1)} check passed` : `${path.slice(1)} check failed`}\n`);
  };
  app.get('/healthz', health(o.checks.livez, '/healthz'));
  app.get('/livez', health(o.checks.livez, '/livez'));
  app.get('/readyz', health(o.checks.readyz, '/readyz'));

  app.get('/metrics', async (_req, reply) => reply.header('content-type', o.metrics.registry.contentType).send(await o.metrics.registry.metrics()));

  const schemas = () => {
    const s = o.schemas();
    if (!s) throw notFound({ resource: 'openapi' }, 'schemas');
    return s;
  };
  const jsonOnly = (accept: string | undefined) => {
    if (accept && !/application\/json|\*\/\*/.test(accept)) throw notAcceptable('only application/json is served');
  };
  let v2: string | undefined;
  app.get('/openapi/v2', async (req, reply) => {
    jsonOnly(req.headers.accept);
    v2 ??= JSON.stringify(openapiV2(schemas()));
    return reply.header('content-type', 'application/json').send(v2);
  });
  app.get('/openapi/v3', async (_req, reply) => reply.send(openapiV3Index(schemas())));
  app.get('/openapi/v3/*', async (req, reply) => {
    const gv = (req.params as { '*': string })['*'];
    const doc = openapiV3GroupVersion(schemas(), gv);
    if (!doc) throw notFound({ resource: 'openapi' }, gv);
    return reply.header('content-type', 'application/json').send(JSON.stringify(doc));
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}
