import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';
import { mockOpenApiMiddleware } from './demo/mock-open-api.js';
import { summaryReporter } from './scripts/summary-reporter.mjs';
import { qrcodeGeneratorServePlugin } from './scripts/qrcode-generator-build.mjs';

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  // Two cores: one browser, a few pages at a time.
  concurrency: 2,
  // The QR encoder as it ships in the bundle (unused parts cut, faster mask penalty), so the decode tests cover it.
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }), qrcodeGeneratorServePlugin()],
  // The demo's mock Open API, so end-to-end tests talk to a real HTTP server.
  middleware: [mockOpenApiMiddleware()],
  reporters: [defaultReporter(), summaryReporter()],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    }),
  ],
  // Lit's dev build checks templates in the tests; its one-line banner is noise.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: {
    config: { timeout: 10000 },
  },
};
