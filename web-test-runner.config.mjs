import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';
import { register } from 'node:module';
import { summaryReporter } from './scripts/summary-reporter.mjs';

// The demo backend runs the relay from src/server (TypeScript) as it is, without a build.
register('./scripts/ts-hooks.mjs', import.meta.url);
const { demoBackendMiddleware } = await import('./demo/demo-backend.ts');

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  // test/server/ holds the relay's Node tests (node:test), not browser tests.
  files: ['test/**/*.test.ts', '!test/server/**'],
  nodeResolve: true,
  // One page at a time. Headless Chromium shows one tab of its window: a second page running beside it is hidden
  // (visibilityState "hidden", no animation frames, no IntersectionObserver reports), which is not the page a
  // member looks at, and a test waiting for a paint there never ends.
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  // The demo's backend (the relay in front of the mock Open API), so end-to-end tests talk to real HTTP servers.
  middleware: [demoBackendMiddleware()],
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
