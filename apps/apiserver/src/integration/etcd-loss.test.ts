// Losing etcd: requests get 503, /readyz fails, nothing crashes; when etcd returns the server
// serves again and its watches resume without losing an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const until = async (f: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
};

describe('etcd loss', () => {
  it('answers 503 and fails /readyz while etcd is down, then recovers with its watch intact', async () => {
    const list = await h.call('GET', '/api/v1/namespaces/default/configmaps');
    const rv = list.body.metadata.resourceVersion;
    await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'before' } });

    await h.etcd.kill();
    const write = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'during' } });
    expect([503, 504]).toContain(write.status);
    expect(write.body).toMatchObject({ kind: 'Status', status: 'Failure' });
    const ready = await h.call('GET', '/readyz');
    expect(ready.status).toBe(500);
    expect((await h.call('GET', '/livez')).status).toBe(200);

    await h.etcd.restart();
    await until(async () => (await h.call('GET', '/readyz')).status === 200);
    await until(async () => (await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after' } })).status === 201);

    // A watch from before the outage sees both writes, in order.
    const res = await fetch(`${h.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"after"')) text += Buffer.from((await reader.read()).value!).toString();
    await reader.cancel();
    const names = text.trim().split('\n').map((l) => JSON.parse(l).object.metadata.name);
    expect(names).toEqual(['before', 'after']);
  });
});
