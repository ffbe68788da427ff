// Test support, not exported: a tiny in-process stand-in for the apiserver's list and watch of
// one collection, on 127.0.0.1:0. It keeps an event log keyed by resourceVersion so watches can
// resume, and can be told to compact it (watches from older versions then get 410 Expired).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { KubeObject } from './types.ts';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Event = { type: string; object: unknown };
type Watcher = { send(e: Event): void; close(): void; bookmarks: boolean };

const expired = (message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 });

export class FakeApiServer {
  readonly requests: Recorded[] = [];
  /** Answers a request itself when it returns something; list/watch otherwise. */
  respond: ((r: Recorded) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined) | undefined;
  /** When set, a watch from a compacted version gets a 200 with an ERROR event instead of a 410. */
  expireAsEvent = false;
  readonly #objects = new Map<string, KubeObject>();
  readonly #log: { rv: number; e: Event }[] = [];
  #rv = 100;
  #compacted = 0;
  readonly #watchers = new Set<Watcher>();
  readonly #server = http.createServer((req, res) => void this.#handle(req, res));
  readonly #wss = new WebSocketServer({ noServer: true });
  url = '';

  async start(): Promise<this> {
    this.#server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.requests.push({ method: 'GET', url: req.url ?? '', headers: req.headers, body: '' });
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        const w: Watcher = { send: (e) => ws.send(JSON.stringify(e)), close: () => ws.close(), bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' };
        this.#attach(w, url);
        ws.on('close', () => this.#watchers.delete(w));
      });
    });
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  get watchCount(): number {
    return this.#watchers.size;
  }

  put(obj: KubeObject): KubeObject {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    const type = this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    this.#objects.set(key, stored);
    this.#emit({ type, object: stored });
    return stored;
  }

  remove(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const obj = this.#objects.get(key);
    if (!obj) return;
    this.#objects.delete(key);
    this.#emit({ type: 'DELETED', object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } } });
  }

  /** Changes the store without telling anyone, as if the events were missed. */
  putSilently(obj: KubeObject): void {
    this.#objects.set(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } });
  }

  removeSilently(namespace: string, name: string): void {
    this.#objects.delete(`${namespace}/${name}`);
    ++this.#rv;
  }

  /** Forgets the event log: resuming from any version seen so far now answers 410. */
  compact(): void {
    this.#compacted = this.#rv;
    this.#log.length = 0;
  }

  bookmark(): void {
    for (const w of this.#watchers) if (w.bookmarks) w.send({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.#rv) } } });
  }

  /** Ends every open watch, as the apiserver does when a watch's timeout passes. */
  closeWatches(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers.clear();
  }

  #emit(e: Event): void {
    this.#log.push({ rv: this.#rv, e });
    for (const w of this.#watchers) w.send(e);
  }

  /** Replays events after the asked version, then streams live ones; false if it is too old. */
  #attach(w: Watcher, url: URL): boolean {
    const from = Number(url.searchParams.get('resourceVersion') || this.#rv);
    if (from < this.#compacted) {
      w.send({ type: 'ERROR', object: expired(`too old resource version: ${from} (${this.#compacted})`) });
      w.close();
      return false;
    }
    for (const { rv, e } of this.#log) if (rv > from) w.send(e);
    this.#watchers.add(w);
    return true;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
    this.requests.push(rec);
    const canned = this.respond?.(rec);
    if (canned) {
      res.writeHead(canned.status, { 'Content-Type': 'application/json', ...canned.headers });
      res.end(canned.body === undefined ? '' : JSON.stringify(canned.body));
      return;
    }
    const url = new URL(rec.url, 'http://x');
    if (url.searchParams.get('watch') === 'true') return this.#watchHttp(url, res);
    const all = [...this.#objects.values()];
    const offset = Number(url.searchParams.get('continue') || 0);
    const limit = Number(url.searchParams.get('limit') || all.length);
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.#rv), ...(next ? { continue: next } : {}) }, items: page }));
  }

  #watchHttp(url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.#rv);
    if (from < this.#compacted && !this.expireAsEvent) {
      res.writeHead(410, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(expired(`too old resource version: ${from} (${this.#compacted})`)));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const w: Watcher = { send: (e) => res.write(`${JSON.stringify(e)}\n`), close: () => res.end(), bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' };
    res.on('close', () => this.#watchers.delete(w));
    this.#attach(w, url);
  }
}
