// `npm run test:browsers`: the same tests in Chromium, Firefox and WebKit
// (the engine of every browser on iOS), all from Debian's packages. WebKit
// runs as MiniBrowser driven by WebKitWebDriver under Xvfb, which
// scripts/test-browsers.mjs starts.
import { chromeLauncher } from '@web/test-runner-chrome';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import base from './web-test-runner.config.mjs';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

const webdriverPort = Number(process.env.WEBKIT_WEBDRIVER_PORT ?? 4444);

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  ...base,
  // One page per browser at a time: three browsers on two cores.
  concurrency: 1,
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } }),
    puppeteerLauncher({
      launchOptions: { browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true },
    }),
    webdriverLauncher({
      automationProtocol: 'webdriver',
      hostname: '127.0.0.1',
      port: webdriverPort,
      capabilities: {
        'webkitgtk:browserOptions': {
          binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
          args: ['--automation'],
        },
      },
    }),
  ],
  browserStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
};
