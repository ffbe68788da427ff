// apiserver: parse flags, start, stop on SIGTERM/SIGINT.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { parseFlags, UsageError } from './options.ts';
import { destination, pino } from 'pino';
import { startApiServer } from './server.ts';

async function main() {
  let options;
  try {
    options = parseFlags(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // The OpenAPI document is generated at build time next to the bundle.
  const generated = fileURLToPath(new URL('../generated/openapi.json', import.meta.url));
  if (!options.openapiFile && existsSync(generated)) options.openapiFile = generated;
  // Buffered, asynchronous log writes keep the request path off the disk; flushed on exit.
  const dest = destination({ sync: false, minLength: 4096 });
  const log = pino({ level: options.logLevel, base: { component: 'apiserver' } }, dest);
  const server = await startApiServer(options, log);
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    dest.flushSync();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`apiserver: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
