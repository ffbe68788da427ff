// The API server compacts etcd's history every interval to where it stood one interval before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ etcdCompactionIntervalMs: 200 });
});
afterAll(async () => {
  await h?.close();
});

describe('etcd compaction', () => {
  it('makes old revisions unreadable after two intervals while current reads and cached watches go on', async () => {
    const a = await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'old' } });
    const rv = a.body.metadata.resourceVersion;
    const exact = `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`;
    expect((await h.call('GET', exact)).status).toBe(200);
    const end = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < end) {
      await h.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'later-' } });
      await new Promise((r) => setTimeout(r, 100));
      status = (await h.call('GET', exact)).status;
    }
    expect(status).toBe(410);
    expect((await h.call('GET', '/api/v1/namespaces/default/configmaps/old')).status).toBe(200);
    // The watch cache still holds the events etcd no longer has.
    const res = await fetch(`${h.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    const reader = res.body!.getReader();
    const first = JSON.parse(Buffer.from((await reader.read()).value!).toString().split('\n')[0]!);
    await reader.cancel();
    expect(first.type).toBe('ADDED');
    expect(first.object.metadata.name).toMatch(/^later-/);
  });
});
