import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshPodVolumes, setUpPodVolumes, tearDownPodVolumes } from './manager.ts';
import { FakeMounter, hostMounter } from './mounter.ts';
import { StaticVolumeSources } from './sources.ts';
import { mountsBelow, removeRoot, tempRoot } from './test-support.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let root = '';
let podCount = 0;
const now = () => new Date(Date.UTC(2024, 5, 1, 12, 0, 0));

const sources = () =>
  new StaticVolumeSources().set(
    { kind: 'ConfigMap', metadata: { namespace: 'ns', name: 'cfg' }, data: { 'app.conf': 'v=1', other: 'o' } },
    { kind: 'Secret', metadata: { namespace: 'ns', name: 'creds' }, data: { token: b64('t0k3n') } },
  );

function podWith(volumes: Volume[], extra: Partial<Pod['spec']> = {}): { pod: Pod; podDir: string } {
  const uid = `uid-${podCount++}`;
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', uid, labels: { app: 'p' } },
    spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi', cpu: '1' } } }], volumes, ...extra },
  };
  return { pod, podDir: join(root, 'pods', uid) };
}

const sizeOf = async (dir: string) => {
  const line = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === dir);
  return line && /size=(\d+k)/.exec(line)?.[1];
};

beforeAll(async () => { root = await tempRoot('volumes'); });
afterAll(async () => { await removeRoot(root); });

describe('setUpPodVolumes on real directories', () => {
  it('sets up every kind in upstream layout; tear-down unmounts and removes them', async () => {
    const hostDir = join(root, 'host-data');
    const { pod, podDir } = podWith([
      { name: 'scratch', emptyDir: {} },
      { name: 'fast', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
      { name: 'config', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
      { name: 'secret', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'meta', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      {
        name: 'all',
        projected: {
          sources: [
            { configMap: { name: 'cfg' } },
            { secret: { name: 'creds', items: [{ key: 'token', path: 'sa/token' }] } },
            { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
            { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
          ],
        },
      },
    ]);
    const r = await setUpPodVolumes(pod, { podDir, sources: sources(), now, nodeAllocatable: { memory: '1Gi' } });

    expect(r.failures).toEqual([]);
    expect(r.warnings).toEqual(['volume "all": serviceAccountToken source (path "token") skipped: no token issuer']);
    const v = (plugin: string, name: string) => join(podDir, 'volumes', plugin, name);
    expect(Object.fromEntries([...r.paths].map(([k, p]) => [k, [p.kind, p.hostPath, p.readOnly]]))).toEqual({
      scratch: ['emptyDir', v('kubernetes.io~empty-dir', 'scratch'), false],
      fast: ['emptyDir', v('kubernetes.io~empty-dir', 'fast'), false],
      host: ['hostPath', hostDir, false],
      config: ['configMap', v('kubernetes.io~configmap', 'config'), true],
      secret: ['secret', v('kubernetes.io~secret', 'secret'), true],
      meta: ['downwardAPI', v('kubernetes.io~downward-api', 'meta'), true],
      all: ['projected', v('kubernetes.io~projected', 'all'), true],
    });

    expect((await stat(v('kubernetes.io~empty-dir', 'scratch'))).mode & 0o777).toBe(0o777);
    expect((await stat(hostDir)).isDirectory()).toBe(true);
    expect(await readFile(join(v('kubernetes.io~configmap', 'config'), 'conf/app.conf'), 'utf8')).toBe('v=1');
    expect((await stat(join(v('kubernetes.io~configmap', 'config'), 'conf/app.conf'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(v('kubernetes.io~secret', 'secret'), 'token'), 'utf8')).toBe('t0k3n');
    expect((await stat(join(v('kubernetes.io~secret', 'secret'), 'token'))).mode & 0o777).toBe(0o400);
    expect(await readFile(join(v('kubernetes.io~downward-api', 'meta'), 'labels'), 'utf8')).toBe('app="p"');
    const all = v('kubernetes.io~projected', 'all');
    expect((await readdir(all)).filter((f) => !f.startsWith('..')).sort()).toEqual(['app.conf', 'name', 'other', 'sa']);
    expect(await readFile(join(all, 'sa/token'), 'utf8')).toBe('t0k3n');

    // tmpfs: the Memory emptyDir (1Mi limit) and, as upstream, secret/downwardAPI/projected
    // (sized to the pod's 64Mi memory limit, below node allocatable).
    expect(await sizeOf(v('kubernetes.io~empty-dir', 'fast'))).toBe('1024k');
    expect(await sizeOf(v('kubernetes.io~secret', 'secret'))).toBe('65536k');
    expect(await sizeOf(v('kubernetes.io~configmap', 'config'))).toBeUndefined();
    expect((await mountsBelow(podDir)).length).toBe(4);

    // Set-up is idempotent: nothing is mounted twice, nothing rewritten.
    const again = await setUpPodVolumes(pod, { podDir, sources: sources(), now });
    expect(again.failures).toEqual([]);
    expect((await mountsBelow(podDir)).length).toBe(4);

    const down = await tearDownPodVolumes(pod, podDir);
    expect(down.unmounted).toHaveLength(4);
    expect(down.removed.sort()).toEqual([
      'kubernetes.io~configmap/config', 'kubernetes.io~downward-api/meta', 'kubernetes.io~empty-dir/fast',
      'kubernetes.io~empty-dir/scratch', 'kubernetes.io~projected/all', 'kubernetes.io~secret/secret',
    ]);
    expect(await mountsBelow(podDir)).toEqual([]);
    expect(await readdir(podDir)).toEqual([]);
    expect((await stat(hostDir)).isDirectory()).toBe(true);
  });

  it.each([
    {
      name: 'required configmap missing',
      volume: { name: 'v', configMap: { name: 'absent' } },
      message: 'MountVolume.SetUp failed for volume "v" : configmap "absent" not found',
    },
    {
      name: 'required secret missing',
      volume: { name: 'v', secret: { secretName: 'absent' } },
      message: 'MountVolume.SetUp failed for volume "v" : secret "absent" not found',
    },
    {
      name: 'missing key',
      volume: { name: 'v', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'x' }] } },
      message: 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: nope',
    },
    {
      name: 'projected aggregates its sources',
      volume: { name: 'v', projected: { sources: [{ configMap: { name: 'absent' } }, { secret: { name: 'gone' } }] } },
      message: 'MountVolume.SetUp failed for volume "v" : [configmap "absent" not found, secret "gone" not found]',
    },
    {
      name: 'hostPath type mismatch',
      volume: { name: 'v', hostPath: { path: '/dev/null', type: 'Directory' } },
      message: 'MountVolume.SetUp failed for volume "v" : hostPath type check failed: /dev/null is not a directory, it\'s a CharDevice',
    },
    {
      name: 'unsupported volume kind',
      volume: { name: 'v', persistentVolumeClaim: { claimName: 'pvc' } },
      message: 'MountVolume.SetUp failed for volume "v" : no volume plugin matched',
    },
  ])('$name: reported as FailedMount and nothing left on disk', async ({ volume, message }) => {
    const { pod, podDir } = podWith([volume as Volume, { name: 'ok', emptyDir: {} }]);
    const r = await setUpPodVolumes(pod, { podDir, sources: sources(), now, mounter: new FakeMounter() });
    expect(r.failures.map((f) => f.message)).toEqual([message]);
    expect([...r.paths.keys()]).toEqual(['ok']);
    expect(await readdir(join(podDir, 'volumes'))).toEqual(['kubernetes.io~empty-dir']);
  });

  it.each([
    { name: 'optional configmap missing', volume: { name: 'v', configMap: { name: 'absent', optional: true } }, dir: 'kubernetes.io~configmap' },
    { name: 'optional secret missing', volume: { name: 'v', secret: { secretName: 'absent', optional: true } }, dir: 'kubernetes.io~secret' },
  ])('$name: an empty volume', async ({ volume, dir }) => {
    const { pod, podDir } = podWith([volume as Volume]);
    const r = await setUpPodVolumes(pod, { podDir, sources: sources(), now, mounter: new FakeMounter() });
    expect(r.failures).toEqual([]);
    const path = join(podDir, 'volumes', dir, 'v');
    expect((await readdir(path)).filter((f) => f !== '..data' && !f.startsWith('..2024'))).toEqual([]);
    expect(await readdir(join(path, '..data'))).toEqual([]);
  });

  it('sizes tmpfs from the pod limit and node allocatable, and can keep API content on disk', async () => {
    const mounter = new FakeMounter();
    const { pod, podDir } = podWith([{ name: 'm', emptyDir: { medium: 'Memory' } }, { name: 's', secret: { secretName: 'creds' } }]);
    const r = await setUpPodVolumes(pod, { podDir, sources: sources(), now, mounter, memoryBackedContent: false, nodeAllocatable: { memory: '32Mi' } });
    expect(r.failures).toEqual([]);
    expect([...mounter.mounts]).toEqual([[join(podDir, 'volumes/kubernetes.io~empty-dir/m'), { sizeBytes: 32 * 1024 * 1024 }]]);
    await tearDownPodVolumes(pod, podDir, mounter);
    expect(mounter.mounts.size).toBe(0);
  });

  it('refuses an emptyDir medium it cannot provide', async () => {
    const { pod, podDir } = podWith([{ name: 'h', emptyDir: { medium: 'HugePages' } }]);
    const r = await setUpPodVolumes(pod, { podDir, sources: sources(), now, mounter: new FakeMounter() });
    expect(r.failures.map((f) => f.message)).toEqual(['MountVolume.SetUp failed for volume "h" : emptyDir medium "HugePages" is not supported on this node']);
  });
});

describe('refreshPodVolumes', () => {
  it('rewrites changed API content atomically and reports which volumes changed', async () => {
    const src = sources();
    const { pod, podDir } = podWith([
      { name: 'config', configMap: { name: 'cfg' } },
      { name: 'secret', secret: { secretName: 'creds' } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const mounter = new FakeMounter();
    await setUpPodVolumes(pod, { podDir, sources: src, now, mounter });
    const dir = join(podDir, 'volumes/kubernetes.io~configmap/config');
    const before = await readlink(join(dir, '..data'));
    await writeFile(join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/keep'), 'mine');

    expect((await refreshPodVolumes(pod, { podDir, sources: src, now, mounter })).updated).toEqual([]);

    src.set({ kind: 'ConfigMap', metadata: { namespace: 'ns', name: 'cfg' }, data: { 'app.conf': 'v=2' } });
    const r = await refreshPodVolumes(pod, { podDir, sources: src, now, mounter });
    expect(r).toEqual({ updated: ['config'], failures: [], warnings: [] });
    expect(await readlink(join(dir, '..data'))).not.toBe(before);
    expect(await readFile(join(dir, 'app.conf'), 'utf8')).toBe('v=2');
    await expect(lstat(join(dir, 'other'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(join(dir, before))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(podDir, 'volumes/kubernetes.io~empty-dir/scratch/keep'), 'utf8')).toBe('mine');

    // The source disappearing keeps the last content and reports the failure.
    src.delete('ConfigMap', 'ns', 'cfg');
    const gone = await refreshPodVolumes(pod, { podDir, sources: src, now, mounter });
    expect(gone.failures.map((f) => f.message)).toEqual(['MountVolume.SetUp failed for volume "config" : configmap "cfg" not found']);
    expect(await readFile(join(dir, 'app.conf'), 'utf8')).toBe('v=2');
  });
});

describe('tearDownPodVolumes', () => {
  it("refuses a directory that is not the pod's", async () => {
    const { pod } = podWith([]);
    await expect(tearDownPodVolumes(pod, join(root, 'pods', 'someone-else'), new FakeMounter())).rejects.toThrow(
      `pod directory ${join(root, 'pods', 'someone-else')} does not belong to pod UID "${pod.metadata!.uid}"`,
    );
  });

  it('removes a symlink in place of a volume without following it', async () => {
    const { pod, podDir } = podWith([]);
    const outside = join(root, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'precious'), 'x');
    await mkdir(join(podDir, 'volumes/kubernetes.io~empty-dir'), { recursive: true });
    await symlink(outside, join(podDir, 'volumes/kubernetes.io~empty-dir/evil'));
    await tearDownPodVolumes(pod, podDir, hostMounter());
    expect(await readFile(join(outside, 'precious'), 'utf8')).toBe('x');
    expect(await readdir(podDir)).toEqual([]);
  });

  it('keeps a directory whose mount will not go away, and says so', async () => {
    const { pod, podDir } = podWith([{ name: 'm', emptyDir: { medium: 'Memory' } }]);
    const fake = new FakeMounter();
    await setUpPodVolumes(pod, { podDir, sources: sources(), now, mounter: fake });
    const stuck = {
      mountTmpfs: fake.mountTmpfs.bind(fake),
      mountsUnder: fake.mountsUnder.bind(fake),
      unmount: async (target: string) => { throw new Error(`unmount failed: umount: ${target}: target is busy.`); },
    };
    const dir = join(podDir, 'volumes/kubernetes.io~empty-dir/m');
    await expect(tearDownPodVolumes(pod, podDir, stuck)).rejects.toThrow(`unmount failed: umount: ${dir}: target is busy.`);
    expect((await stat(dir)).isDirectory()).toBe(true);
    await tearDownPodVolumes(pod, podDir, fake);
  });

  it('is a no-op for a pod without volumes on disk', async () => {
    const { pod, podDir } = podWith([]);
    expect(await tearDownPodVolumes(pod, podDir, new FakeMounter())).toEqual({ removed: [], unmounted: [] });
  });
});
