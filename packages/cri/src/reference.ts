// Docker-style image reference normalisation, as containerd's CRI plugin applies it before it
// looks an image up: `busybox` → `docker.io/library/busybox:latest`.

export function normalizeImageRef(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  // The first component is a registry host only if it looks like one.
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasHost ? ref : `docker.io/${slash < 0 ? `library/${ref}` : ref}`;
  if (name.startsWith('docker.io/') && !name.slice('docker.io/'.length).includes('/')) name = `docker.io/library/${name.slice(10)}`;
  if (name.includes('@')) return name;
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash).includes(':') ? name : `${name}:latest`;
}
