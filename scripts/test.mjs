// `npm test`: set up (install, build), run every vitest project once with the default and JSON
// reporters, then print the tally alone on the last line: `N passed, N failed[, N skipped]`.
// Exits non-zero when anything failed, when no test ran, or when set-up failed.
// Extra arguments go to vitest (`npm test -- apps/k8ts`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, setup, SetupError } from './setup.mjs';

const RESULTS = join(repoRoot, '.vitest-results.json');

/** Counts from vitest's JSON report; a file that failed without a failing test (e.g. an import error) counts once. */
function tally(report) {
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

const summary = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;

function main() {
  try {
    setup();
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    process.stderr.write(`✗ set-up failed: ${err.message}\n`);
    console.log(summary({ passed: 0, failed: 0, skipped: 0 }));
    return 1;
  }
  rmSync(RESULTS, { force: true });
  const vitest = spawnSync(
    join(repoRoot, 'node_modules/.bin/vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}`, ...process.argv.slice(2)],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (!existsSync(RESULTS)) {
    process.stderr.write(`✗ vitest wrote no results (exit ${vitest.status ?? vitest.signal})\n`);
    console.log(summary({ passed: 0, failed: 0, skipped: 0 }));
    return 1;
  }
  const counts = tally(JSON.parse(readFileSync(RESULTS, 'utf8')));
  console.log(summary(counts));
  return vitest.status === 0 && counts.failed === 0 && counts.passed > 0 ? 0 : 1;
}

process.exitCode = main();
