// `node --import ./scripts/ts-loader.mjs …` (or `register` from a config
// file): lets Node import the TypeScript sources, so the relay's tests, the
// demo and the test runner use src/ as it is, with no build in between.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
