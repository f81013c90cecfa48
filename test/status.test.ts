import { expect } from '@open-wc/testing';
import { stringsFor } from '../src/internal/i18n.js';
import { liveRegionText, statusMessage, type StatusInput } from '../src/internal/status.js';

const en = stringsFor('en');
const de = stringsFor('de');

function input(over: Partial<StatusInput>): StatusInput {
  return { state: 'loading', error: null, invalidation: null, busy: false, ...over };
}

describe('statusMessage', () => {
  it('says what happened to the code, with the button that fetches a new one', () => {
    expect(statusMessage(input({ state: 'loading', busy: true }), en)).to.deep.equal({
      text: 'Loading your check-in code…',
      action: null,
      busy: true,
      checkedIn: false,
    });
    expect(statusMessage(input({ state: 'expired', busy: true }), en).text).to.equal(
      'This code has expired. Getting a new one…',
    );
    expect(
      statusMessage(input({ state: 'expired', error: { kind: 'network', retryInMs: 500, message: 'x' } }), en),
    ).to.deep.equal({
      text: 'No connection. Trying again…',
      action: 'Try again',
      busy: true,
      checkedIn: false,
    });
    expect(
      statusMessage(
        input({ state: 'invalidated', invalidation: { reason: 'checkin', at: '2026-03-02T07:00:00.000Z' } }),
        en,
      ),
    ).to.deep.equal({
      text: 'You are checked in. Enjoy your workout!',
      action: 'Show a new code',
      busy: false,
      checkedIn: true,
    });
    // While the next code loads after a check-in, the confirmation stays, without the button.
    expect(
      statusMessage(input({ state: 'invalidated', busy: true, invalidation: { reason: 'checkin', at: 'x' } }), en)
        .action,
    ).to.equal(null);
    expect(
      statusMessage(input({ state: 'invalidated', invalidation: { reason: 'manual', at: 'x' } }), en).text,
    ).to.equal('This code is no longer valid.');
  });

  it('names each error, and offers no button for a page misconfiguration', () => {
    const error = (kind: 'config' | 'unauthorized' | 'forbidden' | 'not-found' | 'http') =>
      statusMessage(input({ state: 'error', error: { kind, retryInMs: null, message: 'x' } }), en);
    expect(error('config')).to.deep.equal({
      text: 'The check-in code is not set up correctly on this page.',
      action: null,
      busy: false,
      checkedIn: false,
    });
    expect(error('unauthorized').text).to.equal('Please sign in again to get your check-in code.');
    expect(error('forbidden').text).to.equal('This check-in code is not available for your account.');
    expect(error('not-found').text).to.equal('No check-in code was found for your account.');
    expect(error('http')).to.deep.include({ text: 'The check-in code could not be loaded.', action: 'Try again' });
  });
});

describe('liveRegionText', () => {
  it("announces a new code, expiry, check-in, errors and retries, in the page's language", () => {
    expect(liveRegionText(input({ state: 'active' }), true, en)).to.equal('New check-in code shown.');
    expect(liveRegionText(input({ state: 'active' }), true, de)).to.equal('Neuer Check-in-Code angezeigt.');
    expect(liveRegionText(input({ state: 'expired', busy: true }), false, en)).to.equal(
      'This code has expired. Getting a new one…',
    );
    expect(
      liveRegionText(input({ state: 'invalidated', invalidation: { reason: 'checkin', at: 'x' } }), false, de),
    ).to.equal('Du bist eingecheckt. Viel Spaß beim Training!');
    expect(
      liveRegionText(input({ state: 'loading', error: { kind: 'timeout', retryInMs: 1, message: 'x' } }), false, en),
    ).to.equal('No connection. Trying again…');
    expect(
      liveRegionText(input({ state: 'error', error: { kind: 'forbidden', retryInMs: null, message: 'x' } }), false, en),
    ).to.equal('This check-in code is not available for your account.');
  });

  it('stays quiet while idle and while the first code loads', () => {
    expect(liveRegionText(input({ state: 'idle' }), false, en)).to.equal('');
    expect(liveRegionText(input({ state: 'loading', busy: true }), false, en)).to.equal('');
  });

  it('keeps announcing a shown code while a retry runs behind it (failures behind a valid code are silent)', () => {
    expect(
      liveRegionText(input({ state: 'active', error: { kind: 'network', retryInMs: 1, message: 'x' } }), true, en),
    ).to.equal('New check-in code shown.');
  });
});
