// A REST client for the Kubernetes API over node:http(s) with keep-alive agents. Every request
// waits on a client-side token bucket first (client-go's rest.Config QPS/Burst); every non-2xx
// answer becomes the server's own ApiError. No retries: callers (informers, controllers) own
// their retry policy.
import http from 'node:http';
import https from 'node:https';
import { ApiError } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import WebSocket from 'ws';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import type { KubeConfigEntry } from './kubeconfig.ts';
import { resourcePath, withQuery } from './paths.ts';
import { TokenBucket } from './ratelimit.ts';
import type {
  DeleteOptions, KubeObject, ListOptions, ListResult, PatchOptions, PatchType, RawResponse, WatchEvent, WatchOptions, WriteOptions,
} from './types.ts';
import { Channel, ndjson } from './watch.ts';

export interface ClientOptions {
  config: KubeConfigEntry;
  userAgent?: string;
  /** Sustained requests per second (default 50); Infinity turns rate limiting off (upstream's QPS -1, as the kubelet's heartbeat client uses). */
  qps?: number;
  /** Requests allowed at once above qps (default 100). */
  burst?: number;
  clock?: Clock;
  /** Per-request timeout for everything but watches (default 60 s). */
  timeoutMs?: number;
  /**
   * Connections open at once for ordinary requests (default 64; more wait for a free one).
   * HTTP/1.1 carries one request per connection: without a bound, a burst of writes opens a
   * socket each, and thousands of sockets cost both ends more than the requests. Watches have
   * connections of their own, outside this bound, since each holds one for its whole life.
   */
  maxConnections?: number;
}

const PATCH_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const metaOf = (obj: unknown) => (obj as KubeObject | undefined)?.metadata ?? {};

export class Client {
  readonly server: URL;
  readonly #config: KubeConfigEntry;
  readonly #agent: http.Agent;
  readonly #watchAgent: http.Agent;
  readonly #limiter: Pick<TokenBucket, 'wait'>;
  readonly #userAgent: string;
  readonly #timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.#config = opts.config;
    this.server = new URL(opts.config.server);
    this.#userAgent = opts.userAgent ?? 'k8ts-client/v0.1.0';
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#limiter = opts.qps === Infinity
      ? { wait: async () => undefined }
      : new TokenBucket({ qps: opts.qps ?? 50, burst: opts.burst ?? 100, clock: opts.clock ?? realClock });
    const agent = (o: http.AgentOptions) =>
      this.server.protocol === 'https:' ? new https.Agent({ ...o, ...this.#tls() }) : new http.Agent(o);
    this.#agent = agent({ keepAlive: true, maxSockets: opts.maxConnections ?? 64 });
    this.#watchAgent = agent({ keepAlive: false });
  }

  #tls(): https.AgentOptions {
    const c = this.#config;
    return {
      ...(c.ca ? { ca: c.ca } : {}),
      ...(c.cert ? { cert: c.cert } : {}),
      ...(c.key ? { key: c.key } : {}),
      rejectUnauthorized: !c.insecureSkipTLSVerify,
    };
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      Accept: 'application/json',
      'User-Agent': this.#userAgent,
      ...(this.#config.token ? { Authorization: `Bearer ${this.#config.token}` } : {}),
      ...extra,
    };
  }

  /** Closes idle keep-alive sockets; open watches end on their own signals. */
  close(): void {
    this.#agent.destroy();
    this.#watchAgent.destroy();
  }

  async get<T>(r: ResourceInfo, name: string, ns?: string): Promise<T> {
    return this.#json<T>('GET', resourcePath(r, requireNs(r, ns), name));
  }

  async list<T>(r: ResourceInfo, opts: ListOptions = {}): Promise<ListResult<T>> {
    const { namespace, ...query } = opts;
    const list = await this.#json<ListResult<T>>('GET', withQuery(resourcePath(r, namespace), query));
    return { ...list, items: list.items ?? [] };
  }

  async create<T>(r: ResourceInfo, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = requireNs(r, opts.namespace ?? metaOf(obj).namespace);
    return this.#json<T>('POST', withQuery(resourcePath(r, ns), writeQuery(opts)), obj);
  }

  async update<T>(r: ResourceInfo, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = requireNs(r, opts.namespace ?? metaOf(obj).namespace);
    return this.#json<T>('PUT', withQuery(resourcePath(r, ns, requireName(obj)), writeQuery(opts)), obj);
  }

  async updateStatus<T>(r: ResourceInfo, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = requireNs(r, opts.namespace ?? metaOf(obj).namespace);
    return this.#json<T>('PUT', withQuery(resourcePath(r, ns, requireName(obj), 'status'), writeQuery(opts)), obj);
  }

  async patch<T>(r: ResourceInfo, name: string, patch: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    const path = resourcePath(r, requireNs(r, opts.namespace), name, opts.subresource);
    const query = { ...writeQuery(opts), force: type === 'apply' && opts.force ? true : undefined };
    return this.#json<T>('PATCH', withQuery(path, query), patch, PATCH_TYPES[type]);
  }

  async delete(r: ResourceInfo, name: string, opts: DeleteOptions = {}): Promise<unknown> {
    const { namespace, dryRun, ...rest } = opts;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...rest, ...(dryRun ? { dryRun: ['All'] } : {}) };
    return this.#json('DELETE', resourcePath(r, requireNs(r, namespace), name), body);
  }

  /** A call on a subresource (`binding`, `eviction`, `scale`, `status`). PATCH sends a merge patch. */
  async subresource<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', r: ResourceInfo, name: string, sub: string, body?: unknown, ns?: string): Promise<T> {
    const type = method === 'PATCH' ? PATCH_TYPES.merge : undefined;
    return this.#json<T>(method, resourcePath(r, requireNs(r, ns), name, sub), body, type);
  }

  /** Any request; the body is sent as is (Buffer, string) or as JSON. Non-2xx answers are returned, not thrown. */
  async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    await this.#limiter.wait();
    const all = { ...headers };
    return this.#send(method, path, encode(body, all), all);
  }

  /** Streams events until the server ends the watch, the signal aborts, or the consumer stops. */
  watch<T>(r: ResourceInfo, opts: WatchOptions = {}, signal?: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const { namespace, transport, ...query } = opts;
    const path = withQuery(resourcePath(r, namespace), { watch: true, ...query });
    return (transport === 'websocket' ? this.#watchWs(path, signal) : this.#watchHttp(path, signal)) as AsyncIterable<WatchEvent<T>>;
  }

  async #json<T>(method: Method, path: string, body?: unknown, contentType?: string): Promise<T> {
    await this.#limiter.wait();
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const res = await this.#send(method, path, encode(body, headers), headers);
    const parsed = parseBody(res.body);
    if (res.status < 200 || res.status > 299) throw ApiError.fromStatus(res.status, parsed);
    return parsed as T;
  }

  #send(method: string, path: string, body: Buffer | undefined, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = this.#open(method, path, headers, body);
      req.setTimeout(this.#timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.#timeoutMs} ms`)));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.end(body);
    });
  }

  #open(method: string, path: string, headers: Record<string, string>, body?: Buffer, signal?: AbortSignal, watch = false): http.ClientRequest {
    const all = this.#headers(body ? { 'Content-Length': String(body.length), ...headers } : headers);
    const url = new URL(path, this.server);
    const agent = watch ? this.#watchAgent : this.#agent;
    const options: http.RequestOptions = { method, headers: all, agent, ...(signal ? { signal } : {}) };
    return url.protocol === 'https:' ? https.request(url, options) : http.request(url, options);
  }

  async *#watchHttp(path: string, signal?: AbortSignal): AsyncGenerator<unknown> {
    let req: http.ClientRequest | undefined;
    try {
      await this.#limiter.wait(signal);
      const r = (req = this.#open('GET', path, {}, undefined, signal, true));
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        r.on('error', reject);
        r.on('response', resolve);
        r.end();
      });
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        throw ApiError.fromStatus(res.statusCode ?? 0, parseBody(Buffer.concat(chunks)));
      }
      yield* ndjson(res);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    } finally {
      req?.destroy();
    }
  }

  async *#watchWs(path: string, signal?: AbortSignal): AsyncGenerator<unknown> {
    try {
      await this.#limiter.wait(signal);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    const url = new URL(path, this.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const events = new Channel<unknown>();
    const ws = new WebSocket(url, { headers: this.#headers(), ...(url.protocol === 'wss:' ? this.#tls() : {}) });
    const stop = () => ws.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    ws.on('message', (data, isBinary) => {
      try {
        events.push(JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
      } catch (err) {
        events.fail(err);
        ws.terminate();
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => events.fail(ApiError.fromStatus(res.statusCode ?? 0, parseBody(Buffer.concat(chunks)))));
      res.on('error', (err) => events.fail(err));
    });
    ws.on('error', (err) => events.fail(err));
    ws.on('close', () => events.end());
    try {
      for await (const e of events) yield e;
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    } finally {
      signal?.removeEventListener('abort', stop);
      ws.terminate();
    }
  }
}

function requireNs(r: ResourceInfo, ns: string | undefined): string | undefined {
  if (!r.namespaced) return undefined;
  if (!ns) throw new Error(`a namespace is required for ${r.plural}`);
  return ns;
}

function requireName(obj: unknown): string {
  const name = metaOf(obj).name;
  if (!name) throw new Error('the object has no metadata.name');
  return name;
}

const writeQuery = (o: { dryRun?: boolean; fieldManager?: string }) => ({
  dryRun: o.dryRun ? 'All' : undefined,
  fieldManager: o.fieldManager,
});

/** JSON unless the caller already gave bytes; sets Content-Type when it chooses JSON. */
function encode(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  headers['Content-Type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(body));
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
