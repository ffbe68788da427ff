// Static pods from manifests and their mirror pods, as a user sees them in `kubectl get pods`:
// names, namespaces, uids that follow the manifest, the config annotations and the Node owner.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SOURCE, isMirrorPod, isStaticPod, mirrorMatches, mirrorPod, readStaticPods, staticPod } from './static-pods.ts';

const manifest = (more: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'etcd', labels: { tier: 'control-plane' } },
  spec: { containers: [{ name: 'etcd', image: 'etcd:3.5' }] },
  ...more,
});

const FILE = '/etc/kubernetes/manifests/etcd.yaml';

describe('staticPod', () => {
  it('runs as <name>-<node> in default, on this node, Pending, with the config annotations', () => {
    const pod = staticPod(manifest(), 'node-1', FILE);
    expect(pod.metadata).toMatchObject({
      name: 'etcd-node-1',
      namespace: 'default',
      labels: { tier: 'control-plane' },
      annotations: { [CONFIG_HASH]: pod.metadata?.uid, [CONFIG_SOURCE]: 'file' },
    });
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(pod.spec?.nodeName).toBe('node-1');
    expect(pod.status).toEqual({ phase: 'Pending' });
    expect(isStaticPod(pod)).toBe(true);
    expect(isMirrorPod(pod)).toBe(false);
  });

  it('keeps a namespace and annotations the manifest gives', () => {
    const pod = staticPod(manifest({ metadata: { name: 'etcd', namespace: 'kube-system', annotations: { owner: 'ops' } } }), 'node-1', FILE);
    expect(pod.metadata?.namespace).toBe('kube-system');
    expect(pod.metadata?.annotations).toMatchObject({ owner: 'ops', [CONFIG_SOURCE]: 'file' });
  });

  it('tolerates every NoExecute taint, besides the tolerations the manifest lists', () => {
    const pod = staticPod(manifest({ spec: { containers: [{ name: 'etcd', image: 'etcd:3.5' }], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cp', effect: 'NoSchedule' }] } }), 'node-1', FILE);
    expect(pod.spec?.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'cp', effect: 'NoSchedule' },
      { operator: 'Exists', effect: 'NoExecute' },
    ]);
  });

  it('gets the defaults the API would give it, but no service account (mirror pods may not name one)', () => {
    const pod = staticPod(manifest(), 'node-1', FILE);
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      containers: [{ name: 'etcd', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    });
    expect(pod.spec?.serviceAccountName).toBeUndefined();
    expect(pod.spec?.serviceAccount).toBeUndefined();
  });

  it('keeps a service account the manifest names', () => {
    const pod = staticPod(manifest({ spec: { serviceAccountName: 'etcd', containers: [{ name: 'etcd', image: 'etcd:3.5' }] } }), 'node-1', FILE);
    expect(pod.spec?.serviceAccountName).toBe('etcd');
  });

  const uid = (m: Pod, node = 'node-1', file = FILE) => staticPod(m, node, file).metadata?.uid;
  const base = uid(manifest());
  const uidCases = [
    { name: 'the same manifest, node and file: the same uid', uid: uid(manifest()), same: true },
    { name: 'an edited manifest: a new uid', uid: uid(manifest({ spec: { containers: [{ name: 'etcd', image: 'etcd:3.6' }] } })), same: false },
    { name: 'an edited label: a new uid', uid: uid(manifest({ metadata: { name: 'etcd', labels: { tier: 'x' } } })), same: false },
    { name: 'another node: a new uid', uid: uid(manifest(), 'node-2'), same: false },
    { name: 'another file: a new uid', uid: uid(manifest(), 'node-1', '/etc/kubernetes/manifests/etcd-copy.yaml'), same: false },
  ];
  it.each(uidCases)('$name', ({ uid: got, same }) => {
    expect(got === base).toBe(same);
  });

  const bad = [
    { name: 'not a Pod', manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }, error: 'the manifest is not a v1 Pod' },
    { name: 'empty', manifest: null, error: 'the manifest is not a v1 Pod' },
    { name: 'a list', manifest: [manifest()], error: 'the manifest is not a v1 Pod' },
    { name: 'no name', manifest: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [] } }, error: 'metadata.name is required' },
  ];
  it.each(bad)('refuses a manifest: $name', ({ manifest: m, error }) => {
    expect(() => staticPod(m, 'node-1', FILE)).toThrow(error);
  });
});

describe('readStaticPods', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'static-pods-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every manifest in name order, skips dotfiles and directories, reports bad files without failing the others', async () => {
    await writeFile(join(dir, 'b-web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n');
    await writeFile(join(dir, 'a-db.json'), JSON.stringify(manifest()));
    await writeFile(join(dir, '.web.yaml.swp'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: swap\n');
    await writeFile(join(dir, 'c-broken.yaml'), 'kind: Pod\nmetadata: [unclosed\n');
    await writeFile(join(dir, 'd-deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n');
    await mkdir(join(dir, 'e-subdir'));
    const out = await readStaticPods(dir, 'node-1');
    expect(out.map((f) => f.file)).toEqual(['a-db.json', 'b-web.yaml', 'c-broken.yaml', 'd-deploy.yaml'].map((n) => join(dir, n)));
    expect(out.map((f) => f.pod?.metadata?.name)).toEqual(['etcd-node-1', 'web-node-1', undefined, undefined]);
    expect(out[2]?.error).toBeTruthy();
    expect(out[3]?.error).toBe('the manifest is not a v1 Pod');
  });

  it('the same manifest in two files is two pods', async () => {
    await writeFile(join(dir, 'one.yaml'), JSON.stringify(manifest()));
    await writeFile(join(dir, 'two.yaml'), JSON.stringify(manifest()));
    const [one, two] = await readStaticPods(dir, 'node-1');
    expect(one?.pod?.metadata?.uid).not.toBe(two?.pod?.metadata?.uid);
  });

  it('a missing directory holds no static pods', async () => {
    expect(await readStaticPods(join(dir, 'absent'), 'node-1')).toEqual([]);
  });

  it('an empty directory holds no static pods', async () => {
    await mkdir(join(dir, 'empty'));
    expect(await readStaticPods(join(dir, 'empty'), 'node-1')).toEqual([]);
  });
});

describe('mirrorPod', () => {
  const node: Node = { metadata: { name: 'node-1', uid: 'node-uid' } };
  const pod = staticPod(manifest(), 'node-1', FILE);

  it('is the static pod without uid, annotated as a mirror of its hash and owned by the Node', () => {
    const mirror = mirrorPod({ ...pod, metadata: { ...pod.metadata, resourceVersion: '7' } }, node);
    expect(mirror).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd-node-1', namespace: 'default', labels: { tier: 'control-plane' } } });
    expect(mirror.metadata?.uid).toBeUndefined();
    expect(mirror.metadata?.resourceVersion).toBeUndefined();
    expect(mirror.metadata?.annotations).toMatchObject({ [CONFIG_MIRROR]: pod.metadata?.uid, [CONFIG_HASH]: pod.metadata?.uid, [CONFIG_SOURCE]: 'file' });
    expect(mirror.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid', controller: true }]);
    expect(mirror.spec).toEqual(pod.spec);
    expect(mirror.status).toBeUndefined();
    expect(isMirrorPod(mirror)).toBe(true);
  });

  const edited = staticPod(manifest({ spec: { containers: [{ name: 'etcd', image: 'etcd:3.6' }] } }), 'node-1', FILE);
  const mirror = mirrorPod(pod, node);
  const cases = [
    { name: 'the mirror of this manifest', mirror, want: true },
    { name: 'the mirror of an earlier version of the manifest', mirror: mirrorPod(edited, node), want: false },
    { name: 'a mirror being deleted', mirror: { ...mirror, metadata: { ...mirror.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } }, want: false },
    { name: 'an ordinary pod of the same name', mirror: { metadata: { name: 'etcd-node-1', namespace: 'default' } }, want: false },
  ];
  it.each(cases)('mirrorMatches: $name', ({ mirror: m, want }) => expect(mirrorMatches(m, pod)).toBe(want));
});
