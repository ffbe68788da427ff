// apiserver: parse flags, start, stop on SIGTERM/SIGINT.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { parseFlags, UsageError } from './options.ts';
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
  const server = await startApiServer(options);
  const stop = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`apiserver: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
