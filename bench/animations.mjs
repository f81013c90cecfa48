// `node bench/animations.mjs`: what a running CSS/WAAPI animation costs the
// main thread in headless Chromium, on a blank page, for choosing how the
// countdown ring and the liveness sheen move. A transform or opacity
// animation runs on the compositor, yet while one runs with a continuous
// easing, Blink still gets a task every frame; with steps() it gets one per
// step. A benchmark, not a test: it never fails on a figure.
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';

const SECONDS = process.argv.includes('--quick') ? 4 : 10;

/** Each case builds its animation on the blank page; `d` is a 288×8 px bar. */
const cases = {
  'nothing running': '',
  'ring today: 4 edges, linear, 7.5 s each, delayed by quarters': `
    for (let i = 0; i < 4; i++) {
      const e = d.cloneNode(); document.body.append(e);
      e.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 7500, delay: i * 7500, fill: 'both' });
    }`,
  'one edge, linear, 30 s': `d.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 30000, fill: 'both' })`,
  'one edge, steps(120) over 30 s (4 steps/s)': `d.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 30000, fill: 'both', easing: 'steps(120)' })`,
  'one edge, steps(30) over 30 s (1 step/s)': `d.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 30000, fill: 'both', easing: 'steps(30)' })`,
  'sheen: translateX, linear, 3 s, infinite': `d.animate([{ transform: 'translateX(0)' }, { transform: 'translateX(288px)' }], { duration: 3000, iterations: Infinity })`,
  'sheen: translateX, steps(12), 3 s, infinite': `d.animate([{ transform: 'translateX(0)' }, { transform: 'translateX(288px)' }], { duration: 3000, iterations: Infinity, easing: 'steps(12)' })`,
  'paused (reduced motion)': `d.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 30000, fill: 'both' }).pause()`,
};

const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
const rows = [];
for (const [name, code] of Object.entries(cases)) {
  const page = await browser.newPage();
  await page.setViewport({ width: 400, height: 700 });
  await page.setContent('<!doctype html><body>');
  await page.evaluate(
    new Function(`const d = document.createElement('div'); d.style.cssText = 'width:288px;height:8px;background:#16a34a'; document.body.append(d); ${code}`),
  );
  await page.bringToFront();
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await new Promise((done) => setTimeout(done, 1000));
  const before = await task();
  await new Promise((done) => setTimeout(done, SECONDS * 1000));
  rows.push([name, (((await task()) - before) * 1000) / SECONDS]);
  await page.close();
}
console.log(`${await browser.version()}, ${SECONDS} s each: main-thread busy ms per second`);
for (const [name, ms] of rows) console.log(`${ms.toFixed(2).padStart(6)}  ${name}`);
await browser.close();
