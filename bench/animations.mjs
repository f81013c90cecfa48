// `node bench/animations.mjs`: what a running CSS/WAAPI animation costs the
// main thread in headless Chromium, on a blank page, for choosing how the
// countdown ring and the liveness sheen move. A transform or opacity
// animation runs on the compositor, yet while one runs with a continuous
// easing, Blink still gets a task every frame; with steps() it gets one per
// step, and steps that fall in the same frame share it. On an element without
// a box (display: none) it gets a task every frame whatever the easing.
// Changing a text node costs a layout and a paint. A benchmark, not a test:
// it never fails on a figure.
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';

const SECONDS = process.argv.includes('--quick') ? 4 : 10;

/** Each case builds its animation on the blank page; `d` is a 288×8 px bar. */
const cases = {
  'nothing running': '',
  'the first ring: 4 edges, linear, 7.5 s each, delayed by quarters': `
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
  'one edge, steps(30) over 30 s, on a display: none element': `d.style.display = 'none'; d.animate([{ transform: 'scaleX(1)' }, { transform: 'scaleX(0)' }], { duration: 30000, fill: 'both', easing: 'steps(30)' })`,
  'a text node changed once a second (the m:ss as text)': `const t = document.createTextNode('0'); document.body.append(t); let i = 0; setInterval(() => { t.data = String(i++); }, 1000);`,
  'the element now: 4 edges, sheen, 5 digit strips, stepping on one 1 s grid': `
    const grid = document.timeline.currentTime;
    const run = (e, frames, count, period, iterations = Infinity) => { const a = e.animate(frames, { duration: count * period, easing: 'steps(' + count + ')', iterations, fill: 'both' }); a.startTime = grid; };
    for (let i = 0; i < 5; i++) { const e = d.cloneNode(); document.body.append(e); run(e, { transform: i < 4 ? ['none', 'scaleX(0)'] : ['translateX(0)', 'translateX(100px)'] }, i < 4 ? 30 : 4, 1000, i < 4 ? 1 : Infinity); }
    for (const [count, period] of [[1, 60000], [60, 1000], [24, 3600000], [60, 60000], [60, 1000]]) {
      const w = document.createElement('span'); w.style.cssText = 'display:inline-block;height:1.25em;line-height:1.25;overflow:hidden';
      const s = document.createElement('span'); s.style.cssText = 'display:block;white-space:pre';
      s.textContent = Array.from({ length: count }, (_, i) => String(i).padStart(2, '0')).join('\\n'); w.append(s); document.body.append(w);
      run(s, { transform: ['none', 'translateY(-100%)'] }, count, period);
    }`,
};

const browser = await puppeteer.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
const rows = [];
for (const [name, code] of Object.entries(cases)) {
  const page = await browser.newPage();
  await page.setViewport({ width: 400, height: 700 });
  await page.setContent('<!doctype html><body>');
  await page.evaluate(
    new Function(
      `const d = document.createElement('div'); d.style.cssText = 'width:288px;height:8px;background:#16a34a'; document.body.append(d); ${code}`,
    ),
  );
  await page.bringToFront();
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  const task = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  await new Promise((done) => setTimeout(done, 1000));
  const before = await task();
  await new Promise((done) => setTimeout(done, SECONDS * 1000));
  rows.push([name, (((await task()) - before) * 1000) / SECONDS]);
  await page.close();
}
console.log(`${await browser.version()}, ${SECONDS} s each: main-thread busy ms per second`);
for (const [name, ms] of rows) console.log(`${ms.toFixed(2).padStart(6)}  ${name}`);
await browser.close();
