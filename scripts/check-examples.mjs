// The framework examples as a member sees them: each is its own project,
// installed in its folder (`npm ci` there, gym-access-qr linked from the
// package: run `npm run build` at the root first), built with its own
// `npm run build`, served beside the mock backend, and opened in headless
// Chromium. A check passes when the page shows a code that
// decodes to the one the backend issued, the request carried the header set
// through the `requestHeaders` property, the framework's event handler
// updated the page, and a scan at the gate flips it to "Checked in".
// Prints one line per check; exits 1 if any failed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { decodeShownQr, startMockSite } from './mock-site.mjs';

const EXAMPLES = ['react', 'vue'];
const only = process.argv.slice(2);
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'pass' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};

const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  for (const name of EXAMPLES.filter((n) => !only.length || only.includes(n))) {
    const folder = `examples/${name}`;
    if (!existsSync(`${folder}/node_modules`) || !existsSync('lib/define.js')) {
      check(false, `${name}: installed and linked (run npm run build here, then npm ci in ${folder})`);
      continue;
    }
    try {
      execFileSync('npm', ['run', 'build'], { cwd: folder, stdio: 'pipe' });
      check(true, `${name}: npm run build in ${folder}, as its own project`);
    } catch (error) {
      check(false, `${name}: npm run build in ${folder}\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
      continue;
    }
    const site = await startMockSite({ mounts: { '/': `examples/${name}/dist` } });
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on(
      'console',
      (message) => ['error', 'warn', 'warning'].includes(message.type()) && errors.push(message.text()),
    );
    try {
      await tab.goto(`${site.origin}/`);
      await tab.waitForSelector('gym-access-qr[state="active"]', { timeout: 15_000 });
      const status = await tab.waitForFunction(
        () =>
          /^New code/.test(document.querySelector('#status')?.textContent ?? '') &&
          document.querySelector('#status').textContent,
        { timeout: 5_000 },
      );
      check(true, `${name}: the refresh event reached the framework's handler ("${await status.jsonValue()}")`);
      const issued = await site.currentCode();
      const decoded = await decodeShownQr(tab);
      check(
        Boolean(issued) && decoded === issued,
        `${name}: the QR on screen decodes to the code the backend issued (${decoded === issued ? 'same 19 digits' : `decoded ${decoded}`})`,
      );
      const authorization = site.accessCodeRequests.at(-1)?.authorization;
      check(
        authorization === 'Bearer demo-member-token',
        `${name}: requestHeaders set as a property went out with the request (Authorization: ${authorization})`,
      );
      const level = await tab.$eval('gym-access-qr', (el) => el.getAttribute('error-correction'));
      check(level === 'Q', `${name}: error-correction reached the element as an attribute (${level})`);
      const scan = await site.scan(issued);
      await tab.waitForSelector('gym-access-qr[state="invalidated"]', { timeout: 5_000 });
      const after = await tab.$eval('#status', (el) => el.textContent);
      check(
        scan.result === 'granted' && after === 'Checked in',
        `${name}: a scan at the gate hides the code and the invalidated handler says "${after}"`,
      );
      check(
        errors.length === 0,
        `${name}: no errors or warnings in the console${errors.length ? `: ${errors.join(' | ')}` : ''}`,
      );
    } catch (error) {
      check(false, `${name}: ${error.message}${errors.length ? ` (console: ${errors.join(' | ')})` : ''}`);
    } finally {
      await tab.close();
      await site.close();
    }
  }
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(`\n${failures.length} example check(s) failed`);
  process.exit(1);
}
console.log('\nframework examples: all checks passed');
