import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpHostPath } from './hostpath.ts';
import { removeRoot, tempRoot } from './test-support.ts';

let root = '';
let server: Server | undefined;
const at = (p: string) => join(root, p);

beforeAll(async () => {
  root = await tempRoot('hostpath');
  await mkdir(at('dir'));
  await writeFile(at('file'), 'x');
  await promisify(execFile)('mkfifo', [at('fifo')]);
  // A unix socket on the filesystem: no network traffic involved.
  server = createServer();
  await new Promise<void>((resolve) => server!.listen(at('sock'), resolve));
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await removeRoot(root);
});

describe('setUpHostPath', () => {
  it.each([
    { name: 'unset type accepts a missing path', path: 'nothing', type: undefined, error: undefined },
    { name: 'Directory', path: 'dir', type: 'Directory', error: undefined },
    { name: 'Directory on a file', path: 'file', type: 'Directory', error: 'hostPath type check failed: <root>/file is not a directory, it\'s a File' },
    { name: 'Directory missing', path: 'nothing', type: 'Directory', error: 'hostPath <root>/nothing doesn\'t exist' },
    { name: 'DirectoryOrCreate on a file', path: 'file', type: 'DirectoryOrCreate', error: 'hostPath type check failed: <root>/file is not a directory, it\'s a File' },
    { name: 'File', path: 'file', type: 'File', error: undefined },
    { name: 'File on a directory', path: 'dir', type: 'File', error: 'hostPath type check failed: <root>/dir is not a file, it\'s a Directory' },
    { name: 'FileOrCreate without its parent', path: 'no/parent', type: 'FileOrCreate', error: 'open <root>/no/parent: no such file or directory' },
    { name: 'Socket', path: 'sock', type: 'Socket', error: undefined },
    { name: 'Socket on a file', path: 'file', type: 'Socket', error: 'hostPath type check failed: <root>/file is not a socket file, it\'s a File' },
    { name: 'CharDevice', path: '/dev/null', type: 'CharDevice', error: undefined },
    { name: 'BlockDevice on a char device', path: '/dev/null', type: 'BlockDevice', error: 'hostPath type check failed: /dev/null is not a block device, it\'s a CharDevice' },
    { name: 'CharDevice missing', path: 'nothing', type: 'CharDevice', error: 'hostPath <root>/nothing doesn\'t exist' },
    {
      name: 'a FIFO has no type',
      path: 'fifo',
      type: 'File',
      error: 'hostPath type check failed, <root>/fifo is not a file, unable to determine its type: only recognise file, directory, socket, block device and character device',
    },
    { name: 'unknown type', path: 'dir', type: 'Pipe', error: 'Pipe is an invalid volume type' },
    { name: 'backsteps', path: 'dir/../file', type: undefined, error: "invalid HostPath `<root>/dir/../file`: must not contain '..'" },
  ])('$name', async ({ path, type, error }) => {
    const full = path.startsWith('/') ? path : `${root}/${path}`; // not join(): it would resolve '..'
    const p = setUpHostPath({ path: full, ...(type ? { type } : {}) });
    if (error) await expect(p).rejects.toThrow(error.replaceAll('<root>', root));
    else await expect(p).resolves.toBeUndefined();
  });

  it.each([
    { name: 'DirectoryOrCreate makes the directory and its parents (0755)', path: 'made/a/b', type: 'DirectoryOrCreate', isDir: true, mode: 0o755 },
    { name: 'FileOrCreate makes an empty file (0644)', path: 'dir/new-file', type: 'FileOrCreate', isDir: false, mode: 0o644 },
  ])('$name', async ({ path, type, isDir, mode }) => {
    await setUpHostPath({ path: at(path), type });
    const s = await stat(at(path));
    expect(s.isDirectory()).toBe(isDir);
    expect(s.mode & 0o777).toBe(mode & ~process.umask());
    // A second set-up finds what the first made and accepts it.
    await expect(setUpHostPath({ path: at(path), type })).resolves.toBeUndefined();
  });
});
