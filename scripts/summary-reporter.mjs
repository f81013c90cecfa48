// Counts a run's results into SUMMARY_FILE, so that `npm test` can end with
// one plain line, "Tests: N passed, N failed, N skipped", that any CI can
// read, after the runner's progress display has finished drawing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const SUMMARY_FILE = 'node_modules/.cache/gym-access-qr/test-summary.json';

/** @param {any} suite @param {{ passed: number, failed: number, skipped: number }} counts */
function count(suite, counts) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite?.suites ?? []) count(child, counts);
}

/** @returns {import('@web/test-runner').Reporter} */
export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        count(session.testResults, counts);
        // A file that failed to load or threw outside a test counts as a failure.
        if (!session.passed && !session.testResults?.tests?.length && !session.testResults?.suites?.length)
          counts.failed++;
      }
      mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
      writeFileSync(SUMMARY_FILE, JSON.stringify(counts));
    },
  };
}
