import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymCheckinFeed } from '../src/feed/index.js';
import { eventStreamResponse, stubFetch } from './helpers.js';
import { feedCheckin, feedMessage, mountFeed } from './feed-helpers.js';
import { until } from './backend.js';

// Real timers throughout: axe schedules its own work (STYLE.md keeps it out of fake-timer suites).

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

type Net = ReturnType<typeof stubFetch>;

/** The feed with a replay of a dozen check-ins and, when `fresh`, one live on top; and the stream's body. */
async function streaming(net: Net, fresh = false) {
  const el = await mountFeed();
  await settle();
  const body = eventStreamResponse();
  const names = ['Anna M.', 'Ben S.', undefined, 'Carla D.', 'Dana K.', undefined];
  const start = Date.now() - 12 * 60_000;
  body.write(
    Array.from({ length: 12 }, (_, i) =>
      feedMessage(feedCheckin(start + i * 60_000, names[i % names.length] ? { name: names[i % names.length] } : {})),
    ).join(''),
  );
  await net.last.respond(body.response);
  await until(() => el.state === 'live', 3_000, 'the feed to be live');
  if (fresh) {
    body.write(feedMessage(feedCheckin(Date.now(), { name: 'Emil W.' })));
    await until(() => el.shadowRoot!.querySelector('.row.new') !== null, 3_000, 'the new row');
  }
  await el.updateComplete;
  return { el, body };
}

const live = async (net: Net, fresh = false) => (await streaming(net, fresh)).el;

/** Each state a person at the desk can see. */
const STATES: [string, (net: Net) => Promise<GymCheckinFeed>][] = [
  ['idle', async () => mountFeed({})],
  [
    'connecting',
    async () => {
      const el = await mountFeed();
      await settle();
      return el;
    },
  ],
  [
    'live (no check-ins yet)',
    async (net) => {
      const el = await mountFeed();
      await settle();
      await net.last.respond(eventStreamResponse().response);
      await until(() => el.state === 'live', 3_000, 'the feed to be live');
      return el;
    },
  ],
  ['live (a dozen check-ins)', async (net) => live(net)],
  ['live (a new one on top)', async (net) => live(net, true)],
  [
    'reconnecting',
    async (net) => {
      // The next try a good while away.
      sinon.stub(Math, 'random').returns(0.999);
      const { el, body } = await streaming(net);
      body.fail();
      await until(() => el.state === 'reconnecting', 3_000, 'the drop');
      await el.updateComplete;
      return el;
    },
  ],
  ['error (bad configuration)', async () => mountFeed({ 'events-endpoint': 'ftp://x.example/' })],
  [
    'error (401)',
    async (net) => {
      const el = await mountFeed();
      await settle();
      await net.last.respond(new Response('{}', { status: 401 }));
      await until(() => el.state === 'error', 3_000, 'the error');
      return el;
    },
  ],
  [
    'error (403)',
    async (net) => {
      const el = await mountFeed();
      await settle();
      await net.last.respond(new Response('{}', { status: 403 }));
      await until(() => el.state === 'error', 3_000, 'the error');
      return el;
    },
  ],
];

const THEMES = {
  light: { scheme: 'light', background: 'rgb(255, 255, 255)', color: 'rgb(17, 17, 17)' },
  dark: { scheme: 'dark', background: 'rgb(18, 18, 18)', color: 'rgb(232, 232, 232)' },
} as const;

for (const theme of ['light', 'dark'] as const) {
  for (const lang of ['en', 'de']) {
    describe(`<gym-checkin-feed> accessibility on a ${theme} page in ${lang === 'en' ? 'English' : 'German'}`, () => {
      let net: Net;
      let el: GymCheckinFeed | undefined;

      beforeEach(() => {
        const { scheme, background, color } = THEMES[theme];
        document.documentElement.lang = lang;
        document.documentElement.style.setProperty('color-scheme', scheme);
        document.body.style.setProperty('background', background);
        document.body.style.setProperty('color', color);
        net = stubFetch(settle);
      });

      afterEach(() => {
        el?.remove();
        el = undefined;
        sinon.restore();
        document.documentElement.lang = 'en';
        document.documentElement.style.removeProperty('color-scheme');
        for (const property of ['background', 'color']) document.body.style.removeProperty(property);
      });

      for (const [name, reach] of STATES) {
        it(`has no axe violation: ${name}`, async () => {
          el = await reach(net);
          expect(el.state).to.equal(name.split(' ')[0]);
          await expect(el).to.be.accessible();
        });
      }
    });
  }
}
