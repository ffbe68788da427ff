// Watch: one client's view of a resource's watch cache, written as newline-delimited JSON events
// to a chunked HTTP response or as one WebSocket text message per event.
import { ApiError, groupVersion, type ResourceInfo } from '@k8ts/api';
import type { ResourceStore } from '../registry/store.ts';
import type { CacheEvent, KObject, WatchSink } from '../storage/watch-cache.ts';
import { toTable } from '../tables/index.ts';
import type { Representation } from '../http/negotiate.ts';
import { intParam, q, rvParam, type ApiContext, type Query } from './context.ts';
import type { Filter } from './read.ts';

/** Where a watch's lines go: an HTTP response or a WebSocket. */
export interface WatchTransport {
  /** one event: JSON text ending in a newline */
  write(line: string | Buffer): void;
  /** bytes queued but not yet sent: a watcher that falls too far behind is cut off */
  readonly backlog: number;
  end(): void;
  onClose(f: () => void): void;
}

export interface WatchRequest {
  r: ResourceInfo;
  store: ResourceStore;
  namespace: string | undefined;
  filter: Filter;
  rep: Representation;
  query: Query;
}

/** One watch event as a line of the stream. */
const eventLine = (type: string, objectJson: string) => `{"type":"${type}","object":${objectJson}}\n`;

/**
 * The encoded event line for JSON watchers, built once per event and type and shared by every
 * watcher: fan-out then costs a socket write per watcher, not a string and an encoding each.
 */
const encodedLines = new WeakMap<CacheEvent, Map<string, Buffer>>();
function encodedLine(ev: CacheEvent, type: string): Buffer {
  let byType = encodedLines.get(ev);
  if (!byType) encodedLines.set(ev, (byType = new Map()));
  let buf = byType.get(type);
  if (!buf) byType.set(type, (buf = Buffer.from(eventLine(type, ev.entry.json))));
  return buf;
}

/** Upstream picks a random timeout in [minRequestTimeout, 2×minRequestTimeout) so watches spread out. */
const MIN_REQUEST_TIMEOUT_S = 1800;

export async function serveWatch(ctx: ApiContext, w: WatchRequest, t: WatchTransport, onEnd: () => void) {
  const { r, store, filter, rep, query } = w;
  const bookmarks = q(query, 'allowWatchBookmarks') === 'true';
  const timeoutS = intParam(query, 'timeoutSeconds') ?? MIN_REQUEST_TIMEOUT_S * (1 + Math.random());
  const rv = rvParam(query);
  let headersSent = false;
  let closed = false;

  const objectJson = (obj: Readonly<KObject>, json: string) => {
    if (rep.as === 'json') return json;
    const table = toTable(r, [obj], { includeObject: rep.includeObject, now: ctx.now(), noHeaders: headersSent });
    headersSent = true;
    table.metadata = { resourceVersion: String(obj.metadata.resourceVersion ?? '') };
    return JSON.stringify(table);
  };

  const sink: WatchSink = {
    keyPrefix: store.keyPrefix(w.namespace),
    deliver(ev: CacheEvent) {
      if (closed) return;
      const now = filter.matches(ev.entry);
      const before = ev.prev !== undefined && filter.matches(ev.prev);
      let type: string | undefined;
      if (ev.type === 'DELETED') type = before ? 'DELETED' : undefined;
      else if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
      // A change that moves an object into or out of the selection looks like an add or a delete.
      else type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      if (!type) return;
      t.write(rep.as === 'json' ? encodedLine(ev, type) : eventLine(type, objectJson(ev.entry.obj, ev.entry.json)));
      if (t.backlog > store.cache.config.maxLagBytes) {
        ctx.log.warn({ resource: r.plural, backlog: t.backlog }, 'watcher too slow, closing');
        finish();
      }
    },
    bookmark(rev: number) {
      if (closed || !bookmarks) return;
      const obj = { kind: r.kind, apiVersion: groupVersion(r), metadata: { resourceVersion: String(rev) } };
      t.write(eventLine('BOOKMARK', JSON.stringify(obj)));
    },
    close(err?: ApiError) {
      if (err) t.write(eventLine('ERROR', JSON.stringify(err.toStatus())));
      finish();
    },
  };

  const timer = setTimeout(() => finish(), timeoutS * 1000);
  function finish() {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    store.cache.unwatch(sink);
    t.end();
    onEnd();
  }
  t.onClose(finish);

  try {
    await store.cache.watch(rv === undefined || rv === 0 ? 'now' : rv, sink);
  } catch (e) {
    // As upstream's cacher: the watch is established, then ends with one ERROR event (410 Expired…).
    const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', (e as Error).message);
    sink.close(err);
  }
}
