import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { GymCheckinFeed } from '../src/feed/index.js';
import { eventStreamResponse, record, settleOn, setVisibility, stubFetch, type FetchCall } from './helpers.js';
import { FEED_ENDPOINT, feedCheckin, feedMessage, hourly, local, mountFeed, seen } from './feed-helpers.js';

describe('<gym-checkin-feed>', () => {
  let clock: sinon.SinonFakeTimers;
  let net: ReturnType<typeof stubFetch>;
  let el: GymCheckinFeed | undefined;

  const settle = () => settleOn(clock);

  /** Answers the latest stream request with a body the test writes; `first` is written at once (a replay). */
  async function answer(first = '', call: FetchCall = net.last) {
    const body = eventStreamResponse();
    if (first) body.write(first);
    await call.respond(body.response);
    return body;
  }

  async function write(body: ReturnType<typeof eventStreamResponse>, text: string) {
    body.write(text);
    await settle();
    await el!.updateComplete;
  }

  /** Starts the device clock at a local time of 2 March 2026. */
  function startAt(hours: number, minutes = 0) {
    clock = sinon.useFakeTimers({
      now: new Date(2026, 2, 2, hours, minutes).getTime(),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
    net = stubFetch(settle);
  }

  afterEach(() => {
    el?.remove();
    el = undefined;
    sinon.restore();
    clock.uninstall();
  });

  describe('connection', () => {
    beforeEach(() => startAt(10, 30));

    it('reads the stream with fetch: {studio} URL-encoded, event-stream, credentials, requestHeaders', async () => {
      el = document.createElement('gym-checkin-feed');
      el.requestHeaders = async () => ({ Authorization: 'Bearer staff-token' });
      el.setAttribute('events-endpoint', FEED_ENDPOINT);
      el.setAttribute('studio', 'berlin mitte/2');
      el.setAttribute('credentials', 'include');
      document.body.append(el);
      await settle();
      const url = new URL(net.last.url);
      expect(url.pathname).to.equal('/relay/v1/studios/berlin%20mitte%2F2/checkins');
      const headers = net.last.init.headers as Record<string, string>;
      expect(headers.Accept).to.equal('text/event-stream');
      expect(headers.Authorization).to.equal('Bearer staff-token');
      expect(net.last.init.credentials).to.equal('include');
      expect(el.state).to.equal('connecting');
      expect(seen(el).state).to.equal('Connecting…');
      await answer(': connected\n\n');
      await el.updateComplete;
      expect(el.state).to.equal('live');
      expect(el.getAttribute('state')).to.equal('live');
      expect(seen(el).state).to.equal('Live');
    });

    it('sends properties set before the tag was defined with its first request', async () => {
      // A page script that runs before the drop-in module sets them on an element not yet upgraded.
      const tag = 'gym-checkin-feed-defined-late';
      const late = document.createElement(tag) as GymCheckinFeed;
      late.setAttribute('events-endpoint', FEED_ENDPOINT);
      late.setAttribute('studio', 'berlin-mitte');
      Object.assign(late, { requestHeaders: { Authorization: 'Bearer staff-token' }, credentials: 'include' });
      document.body.append(late);
      try {
        customElements.define(tag, class extends GymCheckinFeed {});
        await settle();
        expect(net.calls).to.have.length(1);
        expect((net.last.init.headers as Record<string, string>).Authorization).to.equal('Bearer staff-token');
        expect(net.last.init.credentials).to.equal('include');
      } finally {
        late.remove();
      }
    });

    it('asks for nothing without events-endpoint, or without the studio its {studio} needs', async () => {
      el = await mountFeed({});
      await settle();
      expect(el.state).to.equal('idle');
      el.setAttribute('events-endpoint', FEED_ENDPOINT);
      await settle();
      expect(el.state).to.equal('idle');
      expect(net.calls).to.have.length(0);
      el.setAttribute('studio', 'berlin-mitte');
      await settle();
      expect(net.calls).to.have.length(1);
    });

    it('reflects the new state in the very render that applies a new configuration', async () => {
      el = await mountFeed({});
      expect(el.getAttribute('state')).to.equal('idle');
      el.setAttribute('events-endpoint', '/relay/checkins');
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('connecting');
      expect(seen(el).state).to.equal('Connecting…');
      el.setAttribute('events-endpoint', 'ftp://relay.example/');
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('error');
    });

    it('says a bad events-endpoint is an error, and asks for nothing', async () => {
      el = await mountFeed({ 'events-endpoint': 'ftp://relay.example/checkins' });
      await settle();
      expect(el.state).to.equal('error');
      expect(seen(el).state).to.equal('The check-in feed is not set up correctly on this page.');
      expect(net.calls).to.have.length(0);
    });

    it('closes the stream on removal and opens it again when put back', async () => {
      el = await mountFeed();
      await settle();
      const body = await answer();
      el.remove();
      await settle();
      expect(body.open).to.equal(false);
      document.body.append(el);
      await settle();
      expect(net.calls).to.have.length(2);
      expect(net.last.aborted()).to.equal(false);
    });
  });

  describe('what it shows', () => {
    it('a replay: today’s count, a bar per hour (and its table), the rows newest first with hh:mm and name or id', async () => {
      startAt(10, 30);
      el = await mountFeed();
      const events = record(el, 'gym-checkin-feed-checkin');
      await settle();
      const yesterday = feedCheckin(local(23, 50, -1), { customerId: '42', name: 'Jo K.' });
      const replay = [
        yesterday,
        feedCheckin(local(8, 5), { name: 'Anna M.' }),
        feedCheckin(local(9, 10), { customerId: '7654321' }),
        feedCheckin(local(9, 40), { customerId: '555', name: 'Ben S.' }),
      ];
      await answer(replay.map((checkin, i) => feedMessage(checkin, `${i + 1}-0`)).join(''));
      await el.updateComplete;
      expect(seen(el).count).to.equal('3');
      expect(seen(el).rows).to.deep.equal(['09:40 Ben S.', '09:10 Customer 7654321', '08:05 Anna M.', '23:50 Jo K.']);
      expect(seen(el).table).to.deep.equal(hourly({ 8: 1, 9: 2 }));
      expect(seen(el).bars).to.deep.equal(hourly({ 8: 50, 9: 100 }));
      // What was there when the page opened is not news.
      expect(seen(el).fresh).to.deep.equal([]);
      expect(events.map((event) => event.detail)).to.deep.equal([
        { customerId: '42', at: yesterday.at, name: 'Jo K.' },
        { customerId: '1234567', at: replay[1]!.at, name: 'Anna M.' },
        { customerId: '7654321', at: replay[2]!.at },
        { customerId: '555', at: replay[3]!.at, name: 'Ben S.' },
      ]);
    });

    it('live check-ins: counted, on top, marked new for a moment, each one event', async () => {
      startAt(10, 30);
      el = await mountFeed();
      const events = record(el, 'gym-checkin-feed-checkin');
      await settle();
      const stream = await answer(feedMessage(feedCheckin(local(9, 0), { name: 'Anna M.' }), '1-0'));
      await el.updateComplete;
      await write(stream, feedMessage(feedCheckin(local(10, 30), { name: 'Carla D.' }), '2-0'));
      expect(seen(el).count).to.equal('2');
      expect(seen(el).rows).to.deep.equal(['10:30 Carla D.', '09:00 Anna M.']);
      expect(seen(el).fresh).to.deep.equal(['10:30 Carla D.']);
      expect(seen(el).bars).to.deep.equal(hourly({ 9: 100, 10: 100 }));
      expect(events.at(-1)!.detail).to.deep.equal({
        customerId: '1234567',
        at: new Date(local(10, 30)).toISOString(),
        name: 'Carla D.',
      });
      await clock.tickAsync(4_000);
      await el.updateComplete;
      expect(seen(el).fresh).to.deep.equal([]);
      expect(events).to.have.length(2);
    });

    it('marks each new row for its own 4 s', async () => {
      startAt(10, 30);
      el = await mountFeed();
      await settle();
      const stream = await answer(': connected\n\n');
      await write(stream, feedMessage(feedCheckin(local(10, 30), { name: 'Anna M.' })));
      await clock.tickAsync(3_000);
      await write(stream, feedMessage(feedCheckin(local(10, 31), { name: 'Ben S.' })));
      expect(seen(el).fresh).to.deep.equal(['10:31 Ben S.', '10:30 Anna M.']);
      await clock.tickAsync(1_000);
      await el.updateComplete;
      expect(seen(el).fresh).to.deep.equal(['10:31 Ben S.']);
      await clock.tickAsync(3_000);
      await el.updateComplete;
      expect(seen(el).fresh).to.deep.equal([]);
    });

    it('keeps the latest 50', async () => {
      startAt(12, 0);
      el = await mountFeed();
      await settle();
      const checkins = Array.from({ length: 60 }, (_, i) => feedCheckin(local(11, 0) + i * 60_000));
      await answer(checkins.map((checkin) => feedMessage(checkin)).join(''));
      await el.updateComplete;
      expect(seen(el).count).to.equal('60');
      expect(seen(el).rows).to.have.length(50);
      expect(seen(el).rows[0]).to.equal('11:59 Customer 1234567');
      expect(seen(el).rows.at(-1)).to.equal('11:10 Customer 1234567');
    });

    it('ignores malformed messages and other event names, and goes on', async () => {
      startAt(10, 30);
      el = await mountFeed();
      await settle();
      const stream = await answer();
      await write(
        stream,
        [
          feedMessage('not json'),
          feedMessage({ customerId: 'abc', at: new Date().toISOString(), uuid: 'u1' }),
          feedMessage({ customerId: '1', at: 'yesterday', uuid: 'u2' }),
          feedMessage({ customerId: '1', at: new Date().toISOString() }),
          `event: ready\n${feedMessage(feedCheckin(Date.now()))}`,
          feedMessage(feedCheckin(Date.now(), { name: 'Anna M.' })),
        ].join(''),
      );
      expect(seen(el).rows).to.deep.equal(['10:30 Anna M.']);
      expect(el.state).to.equal('live');
    });

    it('German: texts, and the customer id when there is no name', async () => {
      startAt(10, 30);
      el = await mountFeed({ 'events-endpoint': FEED_ENDPOINT, studio: 'x', lang: 'de' });
      await settle();
      await answer(feedMessage(feedCheckin(local(9, 5))));
      await el.updateComplete;
      expect(seen(el).state).to.equal('Live');
      expect(el.shadowRoot!.textContent).to.include('Check-ins heute');
      expect(seen(el).rows).to.deep.equal(['09:05 Mitglied 1234567']);
    });
  });

  describe('midnight', () => {
    it('starts today’s count and bars afresh at local midnight; the rows stay', async () => {
      startAt(23, 58);
      el = await mountFeed();
      await settle();
      const stream = await answer(
        [feedCheckin(local(22, 15), { name: 'Anna M.' }), feedCheckin(local(23, 57), { name: 'Ben S.' })]
          .map((checkin) => feedMessage(checkin))
          .join(''),
      );
      await el.updateComplete;
      expect(seen(el).count).to.equal('2');
      // Two minutes of a backend's keep-alives.
      for (let i = 0; i < 8; i++) {
        await write(stream, ': keep-alive\n\n');
        await clock.tickAsync(15_000);
      }
      await el.updateComplete;
      expect(new Date().getDate()).to.equal(3);
      expect(seen(el).count).to.equal('0');
      expect(seen(el).table).to.deep.equal(hourly({}));
      expect(seen(el).rows).to.deep.equal(['23:57 Ben S.', '22:15 Anna M.']);
      expect(net.calls).to.have.length(1);
      await write(stream, feedMessage(feedCheckin(Date.now(), { name: 'Carla D.' })));
      expect(seen(el).count).to.equal('1');
      expect(seen(el).table).to.deep.equal(hourly({ 0: 1 }));
      expect(seen(el).rows[0]).to.equal('00:00 Carla D.');
    });

    it('a page that was hidden over midnight starts the new day when it is shown', async () => {
      startAt(23, 0);
      el = await mountFeed();
      await settle();
      await answer(feedMessage(feedCheckin(local(22, 0))));
      await el.updateComplete;
      setVisibility('hidden');
      // A sleeping tablet's timers do not run; its clock does.
      clock.setSystemTime(local(8, 0, 1));
      setVisibility('visible');
      await settle();
      await el.updateComplete;
      expect(seen(el).count).to.equal('0');
    });
  });

  describe('reconnects', () => {
    beforeEach(() => startAt(10, 30));

    it('a uuid counts once: repeated on the stream, or replayed after a reconnect', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mountFeed();
      const events = record(el, 'gym-checkin-feed-checkin');
      await settle();
      const anna = feedCheckin(local(9, 0), { name: 'Anna M.' });
      const stream = await answer(feedMessage(anna, '1-0'));
      await write(stream, feedMessage(anna, '2-0'));
      stream.end();
      await settle();
      await clock.tickAsync(1_000);
      // A backend that replays more than it must (here: all of it, without ids).
      await answer(feedMessage(anna) + feedMessage(feedCheckin(local(10, 0), { name: 'Ben S.' })));
      await el.updateComplete;
      expect(seen(el).count).to.equal('2');
      expect(seen(el).rows).to.deep.equal(['10:00 Ben S.', '09:00 Anna M.']);
      expect(events).to.have.length(2);
    });

    it('reconnecting after a drop, live again on resume, with Last-Event-ID sent and nothing missed', async () => {
      sinon.stub(Math, 'random').returns(0.5);
      el = await mountFeed();
      await settle();
      const stream = await answer(feedMessage(feedCheckin(local(9, 0), { name: 'Anna M.' }), '5-0'));
      await el.updateComplete;
      stream.fail();
      await settle();
      await el.updateComplete;
      expect(el.state).to.equal('reconnecting');
      expect(seen(el).state).to.equal('Connection lost. Reconnecting…');
      expect(net.calls).to.have.length(1);
      // Full jitter below 1 s after the first drop.
      await clock.tickAsync(500);
      expect(net.calls).to.have.length(2);
      const resume = net.last;
      expect((resume.init.headers as Record<string, string>)['Last-Event-ID']).to.equal('5-0');
      expect(new URL(resume.url).searchParams.get('lastEventId')).to.equal('5-0');
      expect(el.state).to.equal('reconnecting');
      // The relay replays what came meanwhile, then goes live.
      const back = await answer(feedMessage(feedCheckin(local(10, 20), { name: 'Ben S.' }), '6-0'));
      await el.updateComplete;
      expect(el.state).to.equal('live');
      expect(seen(el).rows).to.deep.equal(['10:20 Ben S.', '09:00 Anna M.']);
      // Missed while away, so new to whoever watches.
      expect(seen(el).fresh).to.deep.equal(['10:20 Ben S.']);
      await write(back, feedMessage(feedCheckin(local(10, 30), { name: 'Carla D.' }), '7-0'));
      expect(seen(el).count).to.equal('3');
    });

    it('backs off further after each failed try, and at once when the device comes back online', async () => {
      sinon.stub(Math, 'random').returns(0.999);
      el = await mountFeed();
      await settle();
      await net.last.fail();
      await clock.tickAsync(998);
      expect(net.calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(net.calls).to.have.length(2);
      await net.last.fail();
      await clock.tickAsync(1_500);
      expect(net.calls).to.have.length(2);
      window.dispatchEvent(new Event('online'));
      await settle();
      expect(net.calls).to.have.length(3);
      expect(el.state).to.equal('reconnecting');
    });

    it('closed while the page is hidden, resumed from the last id when it is shown', async () => {
      el = await mountFeed();
      await settle();
      const stream = await answer(feedMessage(feedCheckin(local(9, 0)), '3-0'));
      await el.updateComplete;
      setVisibility('hidden');
      await settle();
      expect(stream.open).to.equal(false);
      expect(el.state).to.equal('reconnecting');
      setVisibility('visible');
      await settle();
      expect(net.calls).to.have.length(2);
      expect((net.last.init.headers as Record<string, string>)['Last-Event-ID']).to.equal('3-0');
    });

    for (const [status, text] of [
      [401, 'Please sign in again to see check-ins.'],
      [403, 'This account may not see the check-ins of this studio.'],
    ] as const) {
      it(`${status}: error a person can read, not retried until the page is shown again`, async () => {
        el = await mountFeed();
        await settle();
        await net.last.respond(new Response('{}', { status }));
        await el.updateComplete;
        expect(el.state).to.equal('error');
        expect(el.getAttribute('state')).to.equal('error');
        expect(seen(el).state).to.equal(text);
        await clock.tickAsync(120_000);
        expect(net.calls).to.have.length(1);
        setVisibility('hidden');
        setVisibility('visible');
        await settle();
        expect(net.calls).to.have.length(2);
        await answer();
        await el.updateComplete;
        expect(el.state).to.equal('live');
      });
    }
  });
});
