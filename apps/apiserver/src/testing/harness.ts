// Test harness: a real etcd and a real API server on free loopback ports, plus a tiny HTTP
// helper. Each harness has its own etcd, so tests can stop and restart it.
import { startEtcd, type EtcdProcess } from '@k8ts/testing';
import { Etcd3 } from 'etcd3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startApiServer, type ApiServer } from '../server.ts';
import type { ApiServerOptions } from '../options.ts';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary JSON shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface Harness {
  url: string;
  etcd: EtcdProcess;
  server: ApiServer;
  prefix: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** every key under this server's etcd prefix (to prove nothing was written) */
  etcdKeys(sub?: string): Promise<string[]>;
  close(): Promise<void>;
}

const OPENAPI = fileURLToPath(new URL('../../generated/openapi.json', import.meta.url));

export async function startHarness(options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const etcd = await startEtcd();
  const prefix = '/registry';
  const server = await startApiServer(
    {
      etcdServers: [etcd.endpoint],
      port: 0,
      etcdPrefix: prefix,
      openapiFile: existsSync(OPENAPI) ? OPENAPI : undefined,
      ...options,
    },
    pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' }),
  );
  await server.ready;
  const raw = new Etcd3({ hosts: [etcd.endpoint] });
  return {
    url: server.url,
    etcd,
    server,
    prefix,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(server.url + path, init);
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async etcdKeys(sub = '') {
      return (await raw.getAll().prefix(`${prefix}/${sub}`).keys()).sort();
    },
    async close() {
      raw.close();
      await server.close().catch(() => undefined);
      await etcd.stop();
    },
  };
}

export const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
  ...extra,
});
