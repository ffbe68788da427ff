// Test support: runs the real generator into a temporary directory and loads what it wrote.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchemas, type Schemas } from './schemas.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/gen-openapi.mjs', import.meta.url));

/** The schemas scripts/gen-openapi.mjs generates, and the file's text. */
export function generatedSchemas(): { schemas: Schemas; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    execFileSync(process.execPath, [SCRIPT, '--out', file], { stdio: 'pipe' });
    return { schemas: loadSchemas(file), text: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
