// `npm test`: finds (or installs) a Chromium, runs the browser tests, and
// ends with one plain summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { findChromium } from './find-chromium.mjs';
import { SUMMARY_FILE } from './summary-reporter.mjs';

let chrome;
try {
  chrome = findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
rmSync(SUMMARY_FILE, { force: true });
const result = spawnSync('npx', ['web-test-runner', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROME_PATH: chrome },
});
const counts = existsSync(SUMMARY_FILE) ? JSON.parse(readFileSync(SUMMARY_FILE, 'utf8')) : { passed: 0, failed: 1, skipped: 0 };
console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(result.status ?? 1);
