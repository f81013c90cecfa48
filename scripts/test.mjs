// `npm test`: the relay's Node tests (node:test, test/server/), then the
// browser tests in a headless Chromium, and one plain closing line that any
// CI can read: "Tests: N passed, N failed, N skipped".
//
//   npm test                          both sides
//   npm run test:server               only the Node tests (npm test -- --server)
//   npm run test:element              only the browser tests (npm test -- --element)
//   npm test -- --files test/x.test.ts   only those browser test files
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { findChromium } from './find-chromium.mjs';
import { SUMMARY_FILE } from './summary-reporter.mjs';

const NODE_TAP_FILE = 'node_modules/.cache/gym-access-qr/node-tests.tap';

const args = process.argv.slice(2);
const serverOnly = args.includes('--server');
const elementOnly = args.includes('--element') || args.includes('--files');
const runnerArgs = args.filter((arg) => arg !== '--server' && arg !== '--element');
const total = { passed: 0, failed: 0, skipped: 0 };
let status = 0;

if (!elementOnly) {
  const files = readdirSync('test/server')
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/server/${name}`);
  mkdirSync(dirname(NODE_TAP_FILE), { recursive: true });
  rmSync(NODE_TAP_FILE, { force: true });
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      './scripts/ts-loader.mjs',
      '--disable-warning=ExperimentalWarning',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${NODE_TAP_FILE}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  const tap = existsSync(NODE_TAP_FILE) ? readFileSync(NODE_TAP_FILE, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  if (!tap) total.failed++;
  total.passed += count('pass');
  total.failed += count('fail') + count('cancelled');
  total.skipped += count('skipped') + count('todo');
  if (result.status !== 0) status = result.status ?? 1;
}

if (!serverOnly) {
  let chrome;
  try {
    chrome = findChromium();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  rmSync(SUMMARY_FILE, { force: true });
  const result = spawnSync('npx', ['web-test-runner', ...runnerArgs], {
    stdio: 'inherit',
    env: { ...process.env, CHROME_PATH: chrome },
  });
  const counts = existsSync(SUMMARY_FILE)
    ? JSON.parse(readFileSync(SUMMARY_FILE, 'utf8'))
    : { passed: 0, failed: 1, skipped: 0 };
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  if (result.status !== 0) status = result.status ?? 1;
}

console.log(`\nTests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(status || (total.failed ? 1 : 0));
