// Images without a registry: an OCI image-layout archive built in memory (one uncompressed
// layer, a config, a manifest, index.json naming it through io.containerd.image.name) and
// imported with `ctr images import` into the k8s.io namespace, where CRI sees it.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tar, type TarEntry } from './tar.ts';

const run = promisify(execFile);

export const BUSYBOX_IMAGE_NAMES = ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36'] as const;
export const PAUSE_IMAGE_NAME = 'registry.k8s.io/pause:3.10';
export const HOST_BUSYBOX = '/bin/busybox';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
}

export interface OciArchive {
  /** the archive (an uncompressed tar in OCI image-layout) */
  archive: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const blobPath = (d: string) => `blobs/sha256/${d.slice('sha256:'.length)}`;

export const ociArchitecture = (arch: string = process.arch): string =>
  ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' })[arch] ?? arch;

/** Uncompressed layers, so each layer's digest is also its diff_id. */
export function buildOciArchive(o: { layers: Buffer[]; config: ImageRuntimeConfig; names: readonly string[] }): OciArchive {
  if (o.names.length === 0) throw new Error('an image needs at least one name');
  const layerDigests = o.layers.map(digest);
  const platform = { architecture: ociArchitecture(), os: 'linux' };
  const config = json({
    ...platform,
    created: '2001-09-09T01:46:40Z',
    config: o.config,
    rootfs: { type: 'layers', diff_ids: layerDigests },
    history: [{ created: '2001-09-09T01:46:40Z', created_by: 'k8ts (built from the host, no registry)' }],
  });
  const configDigest = digest(config);
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: config.length },
    layers: o.layers.map((l, i) => ({ mediaType: MEDIA_TYPES.layer, digest: layerDigests[i], size: l.length })),
  });
  const manifestDigest = digest(manifest);
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    // One entry per name, all pointing at the same manifest: ctr creates one image per entry.
    manifests: o.names.map((name) => ({
      mediaType: MEDIA_TYPES.manifest,
      digest: manifestDigest,
      size: manifest.length,
      platform,
      annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1) },
    })),
  });
  const blobs = new Map<string, Buffer>([[configDigest, config], [manifestDigest, manifest]]);
  o.layers.forEach((l, i) => blobs.set(layerDigests[i]!, l));
  const entries: TarEntry[] = [
    { type: 'file', name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', name: 'index.json', data: index },
    { type: 'dir', name: 'blobs' },
    { type: 'dir', name: 'blobs/sha256' },
    ...[...blobs].map(([d, data]): TarEntry => ({ type: 'file', name: blobPath(d), data })),
  ];
  return { archive: tar(entries), manifestDigest, configDigest, layerDigests };
}

/** A root filesystem from the host's static busybox: applet symlinks in /bin, root and nobody users. */
export async function busyboxRootfs(busybox = HOST_BUSYBOX): Promise<Buffer> {
  const binary = await readFile(busybox);
  const { stdout } = await run(busybox, ['--list']);
  const applets = stdout.split('\n').map((s) => s.trim()).filter((s) => s && s !== 'busybox' && !s.includes('/'));
  const dirs = ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sys', 'usr', 'usr/bin', 'var', 'var/run'];
  return tar([
    ...dirs.map((name): TarEntry => ({ type: 'dir', name, mode: name === 'root' ? 0o700 : 0o755 })),
    { type: 'dir', name: 'tmp', mode: 0o1777 },
    { type: 'file', name: 'bin/busybox', data: binary, mode: 0o755 },
    ...[...new Set(applets)].sort().map((a): TarEntry => ({ type: 'symlink', name: `bin/${a}`, target: 'busybox' })),
    { type: 'file', name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n') },
    { type: 'file', name: 'etc/group', data: Buffer.from('root:x:0:\nnobody:x:65534:\n') },
  ]);
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function buildBusyboxImage(o: { busybox?: string; names?: readonly string[] } = {}): Promise<OciArchive> {
  const layer = await busyboxRootfs(o.busybox);
  return buildOciArchive({ layers: [layer], config: { Env: [PATH_ENV], Cmd: ['sh'] }, names: o.names ?? BUSYBOX_IMAGE_NAMES });
}

/** The sandbox ("pause") image: busybox sleeping forever, which is all a sandbox's process does. */
export async function buildPauseImage(o: { busybox?: string; name?: string } = {}): Promise<OciArchive> {
  const layer = await busyboxRootfs(o.busybox);
  return buildOciArchive({
    layers: [layer],
    config: { Env: [PATH_ENV], Entrypoint: ['/bin/sleep', 'infinity'] },
    names: [o.name ?? PAUSE_IMAGE_NAME],
  });
}

/** `ctr images import` into namespace k8s.io (the one CRI uses). Accepts OCI and docker-save archives. */
export async function importImage(o: { socket: string; archivePath: string; ctr?: string }): Promise<void> {
  const address = o.socket.replace(/^unix:\/\//, '');
  await run(o.ctr ?? 'ctr', ['-a', address, '-n', 'k8s.io', 'images', 'import', o.archivePath], { maxBuffer: 16 * 1024 * 1024 });
}

/** Builds busybox and pause into `dir` and imports both; returns the archive paths. */
export async function importBaseImages(o: { socket: string; dir: string; busybox?: string; ctr?: string }): Promise<string[]> {
  const built = [['busybox.oci.tar', await buildBusyboxImage(o)], ['pause.oci.tar', await buildPauseImage(o)]] as const;
  const paths: string[] = [];
  for (const [file, image] of built) {
    const archivePath = `${o.dir}/${file}`;
    await writeFile(archivePath, image.archive);
    await importImage({ socket: o.socket, archivePath, ...(o.ctr ? { ctr: o.ctr } : {}) });
    paths.push(archivePath);
  }
  return paths;
}
