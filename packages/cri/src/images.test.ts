import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildOciArchive, buildPauseImage, MEDIA_TYPES } from './images.ts';
import { tar, untar } from './tar.ts';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const files = (archive: Buffer) => new Map(untar(archive).flatMap((e) => (e.type === 'file' ? [[e.name, e.data] as const] : [])));

describe('tar', () => {
  it.each([
    { name: 'file, dir and symlink round-trip', entries: [{ type: 'dir', name: 'bin', mode: 0o755 }, { type: 'file', name: 'bin/x', data: Buffer.from('abc'), mode: 0o755 }, { type: 'symlink', name: 'bin/y', target: 'x' }] as const },
    { name: 'a name longer than 100 bytes uses the prefix field', entries: [{ type: 'file', name: `${'d'.repeat(80)}/${'f'.repeat(60)}`, data: Buffer.alloc(600, 1), mode: 0o644 }] as const },
  ])('$name', ({ entries }) => {
    const out = tar(entries);
    expect(out.length % 512).toBe(0);
    expect(untar(out)).toEqual(entries);
  });

  it('writes valid header checksums and is reproducible', () => {
    const a = tar([{ type: 'file', name: 'a', data: Buffer.from('x') }]);
    const h = Buffer.from(a.subarray(0, 512));
    const stored = parseInt(h.toString('ascii', 148, 154), 8);
    h.fill(' ', 148, 156);
    expect(stored).toBe(h.reduce((n, b) => n + b, 0));
    expect(tar([{ type: 'file', name: 'a', data: Buffer.from('x') }]).equals(a)).toBe(true);
  });
});

describe('buildOciArchive', () => {
  const layer = tar([{ type: 'file', name: 'hello', data: Buffer.from('hi\n') }]);
  const built = buildOciArchive({ layers: [layer], config: { Cmd: ['sh'] }, names: ['docker.io/library/t:1', 'docker.io/library/t:latest'] });
  const blobs = files(built.archive);
  const blob = (d: string) => blobs.get(`blobs/sha256/${d.slice(7)}`)!;

  it('lays out oci-layout, index.json and content-addressed blobs', () => {
    expect(JSON.parse(blobs.get('oci-layout')!.toString())).toEqual({ imageLayoutVersion: '1.0.0' });
    for (const [name, data] of blobs) if (name.startsWith('blobs/')) expect(sha(data)).toBe(`sha256:${name.slice(13)}`);
    expect([...blobs.keys()].filter((n) => n.startsWith('blobs/'))).toHaveLength(3);
  });

  it('names the manifest once per tag through io.containerd.image.name', () => {
    const index = JSON.parse(blobs.get('index.json')!.toString());
    expect(index.manifests.map((m: { digest: string; annotations: Record<string, string> }) => [m.digest, m.annotations['io.containerd.image.name']]))
      .toEqual([[built.manifestDigest, 'docker.io/library/t:1'], [built.manifestDigest, 'docker.io/library/t:latest']]);
    expect(index.manifests[0].size).toBe(blob(built.manifestDigest).length);
  });

  it('links manifest → config → layer by digest and size, uncompressed diff_ids', () => {
    const manifest = JSON.parse(blob(built.manifestDigest).toString());
    expect(manifest).toMatchObject({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: { mediaType: MEDIA_TYPES.config, digest: built.configDigest, size: blob(built.configDigest).length },
      layers: [{ mediaType: MEDIA_TYPES.layer, digest: sha(layer), size: layer.length }],
    });
    const config = JSON.parse(blob(built.configDigest).toString());
    expect(config).toMatchObject({ os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha(layer)] } });
  });

  it('refuses an image without a name', () => {
    expect(() => buildOciArchive({ layers: [layer], config: {}, names: [] })).toThrow(/at least one name/);
  });
});

describe('buildPauseImage (host busybox, Debian busybox-static)', () => {
  it('holds busybox, its applet links and /etc/passwd, and sleeps forever', async () => {
    const built = await buildPauseImage();
    const blobs = files(built.archive);
    const config = JSON.parse(blobs.get(`blobs/sha256/${built.configDigest.slice(7)}`)!.toString());
    expect(config.config.Entrypoint).toEqual(['/bin/sleep', 'infinity']);
    const rootfs = untar(blobs.get(`blobs/sha256/${built.layerDigests[0]!.slice(7)}`)!);
    const byName = new Map(rootfs.map((e) => [e.name, e]));
    expect(byName.get('bin/busybox')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(byName.get('bin/sh')).toEqual({ type: 'symlink', name: 'bin/sh', target: 'busybox' });
    expect(byName.get('bin/sleep')).toMatchObject({ type: 'symlink' });
    expect(byName.get('tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });
    const passwd = byName.get('etc/passwd');
    expect(passwd?.type === 'file' && passwd.data.toString()).toMatch(/^root:x:0:0:/);
  });
});
