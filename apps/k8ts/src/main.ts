// k8ts CLI entry: parse, run one command, map its outcome to the exit code (2 = usage error).
import { fileURLToPath } from 'node:url';
import { parseCommand, USAGE, UsageError } from './args.ts';
import { down } from './down.ts';
import { loadImage } from './load-image.ts';
import { status } from './status.ts';
import { up } from './up.ts';
import { why } from './why.ts';

// src/main.ts and dist/main.mjs both sit two levels below the repo root's apps/.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const out = (line: string) => process.stdout.write(`${line}\n`);

async function run(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCommand(argv, { repoRoot, cwd: process.cwd() });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  switch (cmd.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'up': {
      const ac = new AbortController();
      const abort = () => ac.abort();
      process.once('SIGINT', abort).once('SIGTERM', abort);
      return up(cmd.options, { repoRoot, out, signal: ac.signal });
    }
    case 'down':
      return down(cmd.stateDir, { out });
    case 'status':
      return status(cmd.stateDir, { out });
    case 'why':
      return why(cmd.stateDir, cmd.namespace, cmd.pod, { out });
    case 'load-image':
      return loadImage(cmd.stateDir, cmd.archive, { out });
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`k8ts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
