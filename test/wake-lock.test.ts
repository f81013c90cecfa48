import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { GymAccessQr } from '../src/index.js';
import { fakeClockAndFetch, freshCode, mount, setVisibility } from './helpers.js';

/** navigator.wakeLock as the test sees it: requests granted (or refused) at once, locks tracked. */
function fakeWakeLock({ refuse = false } = {}) {
  const held: EventTarget[] = [];
  const request = sinon.spy(async () => {
    if (refuse) throw new DOMException('not allowed', 'NotAllowedError');
    const lock = new EventTarget() as EventTarget & { release(): Promise<void>; released: boolean };
    lock.released = false;
    lock.release = async () => {
      lock.released = true;
      held.splice(held.indexOf(lock), 1);
      lock.dispatchEvent(new Event('release'));
    };
    held.push(lock);
    return lock;
  });
  Object.defineProperty(navigator, 'wakeLock', { configurable: true, value: { request } });
  return { held, request };
}

describe('<gym-access-qr keep-awake>', () => {
  const { clock, net, settle } = fakeClockAndFetch();
  let el: GymAccessQr | undefined;

  afterEach(() => {
    delete (navigator as { wakeLock?: unknown }).wakeLock;
  });

  it('holds a lock only while a valid code is shown, and lets go when it expires, on removal and when turned off', async () => {
    const wake = fakeWakeLock();
    el = await mount({ 'customer-id': '1234567', 'token-endpoint': '/api/{customerId}', 'keep-awake': '' });
    await settle();
    expect(wake.held).to.have.length(0); // loading: nothing to keep awake for
    await net.last.respond(freshCode('0049267681211943991'));
    await settle();
    expect(wake.held).to.have.length(1);

    await clock.tickAsync(29_000); // no successor arrives: the code expires
    await settle();
    expect(el.state).to.equal('expired');
    expect(wake.held).to.have.length(0);

    await net.last.respond(freshCode('0049267681211943992'));
    await settle();
    expect(wake.held).to.have.length(1);
    el.keepAwake = false;
    await settle();
    expect(wake.held).to.have.length(0);
    el.keepAwake = true;
    await settle();
    expect(wake.held).to.have.length(1);
    el.remove();
    await settle();
    expect(wake.held).to.have.length(0);
  });

  it('takes the lock again when the page comes back (the browser drops it on hide)', async () => {
    const wake = fakeWakeLock();
    el = await mount({ 'customer-id': '1234567', 'token-endpoint': '/api/{customerId}', 'keep-awake': '' });
    await settle();
    await net.last.respond(freshCode('0049267681211943991'));
    await settle();
    const [first] = wake.held as [EventTarget & { release(): Promise<void> }];
    setVisibility('hidden');
    await first.release(); // what the browser does
    await settle();
    expect(wake.held).to.have.length(0);
    setVisibility('visible');
    await settle();
    expect(wake.held).to.have.length(1);
    expect(wake.request.callCount).to.equal(2);
  });

  it('asks once when refused, not on every render', async () => {
    const wake = fakeWakeLock({ refuse: true });
    el = await mount({ 'customer-id': '1234567', 'token-endpoint': '/api/{customerId}', 'keep-awake': '' });
    await settle();
    await net.last.respond(freshCode('0049267681211943991'));
    await clock.tickAsync(10_000);
    expect(wake.request.callCount).to.equal(1);
    expect(el.state).to.equal('active');
  });

  it('takes no lock without keep-awake', async () => {
    const wake = fakeWakeLock();
    el = await mount({ 'customer-id': '1234567', 'token-endpoint': '/api/{customerId}' });
    await settle();
    await net.last.respond(freshCode('0049267681211943991'));
    await settle();
    expect(wake.request.callCount).to.equal(0);
  });
});
