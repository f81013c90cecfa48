// `npm run test:browsers`: installs what is missing (as root on Debian:
// chromium, firefox-esr, webkit2gtk-driver, xvfb), starts Xvfb and
// WebKitWebDriver for WebKit, runs the tests in all three engines, and stops
// what it started.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { SUMMARY_FILE } from './summary-reporter.mjs';

const needs = {
  chromium: '/usr/bin/chromium',
  'firefox-esr': '/usr/bin/firefox-esr',
  'webkit2gtk-driver': '/usr/bin/WebKitWebDriver',
  xvfb: '/usr/bin/Xvfb',
};
const missing = Object.entries(needs)
  .filter(([, path]) => !existsSync(path))
  .map(([name]) => name);
if (missing.length) {
  if (process.getuid?.() !== 0) {
    console.error(`Missing: ${missing.join(', ')}. Install them with: sudo apt-get install ${missing.join(' ')}`);
    process.exit(1);
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

// A free display and a free port: other servers and test runs may share this machine.
const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
  stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
});
const display = await new Promise((resolve, reject) => {
  let text = '';
  xvfb.stdio[3].on('data', (chunk) => {
    text += chunk;
    if (text.includes('\n')) resolve(`:${text.trim()}`);
  });
  xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it named its display`)));
});
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
    probe.close(() => resolve(String(port)));
  });
});
const driver = spawn('WebKitWebDriver', [`--port=${port}`], {
  stdio: 'ignore',
  env: { ...process.env, DISPLAY: display },
});
const stop = () => {
  driver.kill();
  xvfb.kill();
};
process.on('exit', stop);
// Wait until the driver answers (at most 15 s).
for (let i = 0; i < 150; i++) {
  const ready = await fetch(`http://127.0.0.1:${port}/status`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) break;
  await new Promise((done) => setTimeout(done, 100));
}

rmSync(SUMMARY_FILE, { force: true });
const result = spawnSync(
  'npx',
  ['web-test-runner', '--config', 'web-test-runner.browsers.config.mjs', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, DISPLAY: display, WEBKIT_WEBDRIVER_PORT: port },
  },
);
const counts = existsSync(SUMMARY_FILE)
  ? JSON.parse(readFileSync(SUMMARY_FILE, 'utf8'))
  : { passed: 0, failed: 1, skipped: 0 };
console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(result.status ?? 1);
