// A minimal ustar writer — enough for OCI image layers and archives (regular files, directories,
// symlinks; owner root; fixed mtime so the same input gives the same digest). We write the format
// ourselves rather than shell out to `tar`, so image digests are deterministic and testable.

export type TarEntry =
  | { type: 'file'; name: string; data: Buffer; mode?: number }
  | { type: 'dir'; name: string; mode?: number }
  | { type: 'symlink'; name: string; target: string };

const BLOCK = 512;
/** 2001-09-09; any fixed value keeps archives reproducible. */
const MTIME = 1_000_000_000;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** ustar keeps 100 bytes of name plus a 155-byte prefix split at a '/'. */
function splitName(name: string): [prefix: string, name: string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const cut = name.lastIndexOf('/', 155);
  if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: name too long: ${name}`);
  return [name.slice(0, cut), name.slice(cut + 1)];
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const [prefix, base] = splitName(name);
  const mode = e.type === 'symlink' ? 0o777 : (e.mode ?? (e.type === 'dir' ? 0o755 : 0o644));
  const size = e.type === 'file' ? e.data.length : 0;
  h.write(base, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(MTIME, 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write(e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2', 156, 'ascii');
  if (e.type === 'symlink') h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file') {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2)); // end-of-archive marker
  return Buffer.concat(parts);
}

/** Reads back what `tar` wrote (regular files, dirs, symlinks) — for tests and archive checks. */
export function untar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const str = (start: number, len: number) => h.toString('utf8', start, start + len).replace(/\0.*$/s, '');
    const prefix = str(345, 155);
    const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    const size = parseInt(str(124, 12), 8);
    const mode = parseInt(str(100, 8), 8);
    const type = str(156, 1);
    off += BLOCK;
    if (type === '5') out.push({ type: 'dir', name: name.replace(/\/$/, ''), mode });
    else if (type === '2') out.push({ type: 'symlink', name, target: str(157, 100) });
    else out.push({ type: 'file', name, mode, data: Buffer.from(buf.subarray(off, off + size)) });
    off += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
