import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pod, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bookmarkIntervalMs: 200, watchCacheSize: 50 });
});
afterAll(async () => {
  await h?.close();
});

interface Event {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** Opens a chunked watch and collects events until `until` says stop (or the stream ends). */
async function watch(path: string, until: (events: Event[]) => boolean, headers: Record<string, string> = {}, act?: () => Promise<void>) {
  const ac = new AbortController();
  const res = await fetch(h.url + path, { signal: ac.signal, headers });
  expect(res.status).toBe(200);
  const events: Event[] = [];
  const reader = res.body!.getReader();
  let buf = '';
  const pending = act?.();
  const timer = setTimeout(() => ac.abort(), 10_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += Buffer.from(value).toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)) as Event);
        buf = buf.slice(i + 1);
      }
      if (until(events)) break;
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  await pending;
  return events;
}

const merge = { 'content-type': 'application/merge-patch+json' };

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the list revision', async () => {
    const list = await h.call('GET', '/api/v1/namespaces/default/pods');
    const rv = list.body.metadata.resourceVersion;
    const events = await watch(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`, (e) => e.some((x) => x.type === 'DELETED'), {}, async () => {
      await h.call('POST', '/api/v1/namespaces/default/pods', pod('w1'));
      await h.call('PATCH', '/api/v1/namespaces/default/pods/w1', { metadata: { labels: { v: '2' } } }, merge);
      await h.call('DELETE', '/api/v1/namespaces/default/pods/w1');
    });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const revs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...revs].sort((a, b) => a - b)).toEqual(revs);
    expect(revs[0]).toBeGreaterThan(Number(rv));
  });

  it('resumes from any retained resourceVersion, replaying what followed', async () => {
    const a = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'r1' } });
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'r2' } });
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'r3' } });
    const events = await watch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${a.body.metadata.resourceVersion}`, (e) => e.length >= 2);
    expect(events.map((e) => e.object.metadata.name)).toEqual(['r2', 'r3']);
  });

  it('sends the current state first for resourceVersion 0', async () => {
    const events = await watch('/api/v1/namespaces?watch=true&resourceVersion=0', (e) => e.length >= 4);
    expect(events.every((e) => e.type === 'ADDED')).toBe(true);
    expect(events.map((e) => e.object.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
  });

  it('answers a revision older than its window with an ERROR event 410 Expired', async () => {
    const first = await h.call('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'sa-0' } });
    // The cache keeps 50 events per resource in this test: push the first one out of the window.
    for (let i = 1; i <= 60; i++) await h.call('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: `sa-${i}` } });
    const events = await watch(`/api/v1/namespaces/default/serviceaccounts?watch=true&resourceVersion=${first.body.metadata.resourceVersion}`, (e) => e.length >= 1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('sends bookmarks when asked and ends after timeoutSeconds', async () => {
    const list = await h.call('GET', '/api/v1/namespaces/default/pods');
    const started = Date.now();
    const events = await watch(`/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${list.body.metadata.resourceVersion}`, () => false);
    expect(Date.now() - started).toBeLessThan(5_000);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
  });

  it('turns a change that leaves the label selection into DELETED', async () => {
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'sel', labels: { team: 'a' } } });
    const list = await h.call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=team%3Da');
    const events = await watch(`/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Da&resourceVersion=${list.body.metadata.resourceVersion}`, (e) => e.length >= 1, {}, async () => {
      await h.call('PATCH', '/api/v1/namespaces/default/configmaps/sel', { metadata: { labels: { team: 'b' } } }, merge);
    });
    expect(events[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'sel', labels: { team: 'b' } } } });
  });

  it('streams Tables when kubectl asks for them', async () => {
    const list = await h.call('GET', '/api/v1/namespaces/default/pods');
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const events = await watch(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`, (e) => e.length >= 2, { accept }, async () => {
      await h.call('POST', '/api/v1/namespaces/default/pods', pod('tw1'));
      await h.call('POST', '/api/v1/namespaces/default/pods', pod('tw2'));
    });
    expect(events[0]!.object.kind).toBe('Table');
    expect(events[0]!.object.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(events[0]!.object.rows[0].cells[0]).toBe('tw1');
    expect(events[1]!.object.rows[0].cells[0]).toBe('tw2');
  });

  it('serves the same watch over a WebSocket', async () => {
    const list = await h.call('GET', '/api/v1/namespaces/default/configmaps');
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    const got: Event[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        got.push(JSON.parse(m.toString()) as Event);
        if (got.length === 2) resolve();
      });
      ws.on('error', reject);
    });
    await new Promise((r) => ws.once('open', r));
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'ws1' } });
    await h.call('DELETE', '/api/v1/namespaces/default/configmaps/ws1');
    await done;
    ws.close();
    expect(got.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED ws1', 'DELETED ws1']);
  });

  it('fans many watchers out of one etcd watch', async () => {
    const before = await h.call('GET', '/metrics');
    expect(before.status).toBe(200);
    const list = await h.call('GET', '/api/v1/namespaces/default/secrets');
    const watchers = Array.from({ length: 20 }, () => watch(`/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`, (e) => e.length >= 1));
    await new Promise((r) => setTimeout(r, 200));
    await h.call('POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 's1' }, stringData: { k: 'v' } });
    const all = await Promise.all(watchers);
    expect(all.every((e) => e[0]?.object.data.k === Buffer.from('v').toString('base64'))).toBe(true);
    const metrics = (await h.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/apiserver_registered_watchers\{resource="secrets"\} \d+/);
  });
});
