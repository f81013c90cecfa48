import { expect } from '@open-wc/testing';
import { backoffDelay, codeLifetime, refreshDelay, retryAfterDelay } from '../src/internal/schedule.js';

describe('codeLifetime', () => {
  const expiresAtMs = Date.parse('2024-06-13T10:33:00Z');

  it('counts from the Date header, pushed forward by its one-second resolution', () => {
    const serverDateMs = Date.parse('2024-06-13T10:32:30Z');
    // The device clock is an hour behind: it does not matter.
    expect(
      codeLifetime({ expiresAtMs, serverDateMs, deviceNowMs: serverDateMs - 3_600_000, fallbackMs: 15_000 }),
    ).to.equal(29_000);
  });

  it('counts from the device clock when there is no readable Date header', () => {
    const deviceNowMs = Date.parse('2024-06-13T10:32:40Z');
    expect(codeLifetime({ expiresAtMs, serverDateMs: null, deviceNowMs, fallbackMs: 15_000 })).to.equal(20_000);
  });

  it('assumes the fallback lifetime without expiresAt', () => {
    expect(codeLifetime({ expiresAtMs: null, serverDateMs: null, deviceNowMs: 0, fallbackMs: 15_000 })).to.equal(
      15_000,
    );
  });

  it('is zero or less for a code that is already dead', () => {
    expect(codeLifetime({ expiresAtMs, serverDateMs: expiresAtMs, deviceNowMs: 0, fallbackMs: 15_000 })).to.be.at.most(
      0,
    );
  });
});

describe('refreshDelay', () => {
  it('asks for the next code refresh-lead before the end', () => {
    expect(refreshDelay(30_000, 5_000)).to.equal(25_000);
  });

  it('clamps the lead to half the lifetime', () => {
    expect(refreshDelay(6_000, 5_000)).to.equal(3_000);
  });

  it('treats a negative lead as none', () => {
    expect(refreshDelay(30_000, -1_000)).to.equal(30_000);
  });
});

describe('backoffDelay', () => {
  it('picks below a window that starts at 1 s and doubles', () => {
    expect(backoffDelay(0, () => 0.999)).to.equal(999);
    expect(backoffDelay(1, () => 0.5)).to.equal(1_000);
    expect(backoffDelay(3, () => 0.5)).to.equal(4_000);
  });

  it('caps the window at 30 s', () => {
    expect(backoffDelay(20, () => 0.999999)).to.be.below(30_000);
    expect(backoffDelay(20, () => 0.5)).to.equal(15_000);
  });

  it('can be zero (full jitter)', () => {
    expect(backoffDelay(4, () => 0)).to.equal(0);
  });
});

describe('retryAfterDelay', () => {
  it('reads delta seconds', () => {
    expect(retryAfterDelay('3', 0)).to.equal(3_000);
    expect(retryAfterDelay(' 120 ', 0)).to.equal(120_000);
  });

  it('reads an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(retryAfterDelay('Wed, 21 Oct 2015 07:28:10 GMT', now)).to.equal(10_000);
    expect(retryAfterDelay('Wed, 21 Oct 2015 07:27:00 GMT', now)).to.equal(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterDelay(null, 0)).to.equal(null);
    expect(retryAfterDelay('soon', 0)).to.equal(null);
    expect(retryAfterDelay('-5', 0)).to.equal(null);
  });
});
