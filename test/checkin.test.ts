import { expect } from '@open-wc/testing';
import { checkinFromMessage } from '../src/internal/checkin.js';

const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    entityId: 1234567,
    uuid: '6e7f2c4a-1b7f-4c1e-9a53-0d8c1d5f7a11',
    payload: [{ timestamp: 1718274780000, type: 'CUSTOMER_CHECKIN', content: {} }],
    ...over,
  });

describe('checkinFromMessage', () => {
  it('reads a relayed Magicline check-in webhook', () => {
    expect(checkinFromMessage(body(), '1234567')).to.deep.equal({
      uuid: '6e7f2c4a-1b7f-4c1e-9a53-0d8c1d5f7a11',
      timestamp: 1718274780000,
    });
  });

  it('finds the check-in among other events of the same delivery', () => {
    const payload = [
      { timestamp: 1, type: 'CUSTOMER_UPDATED', content: {} },
      { timestamp: 2, type: 'CUSTOMER_CHECKIN', content: {} },
    ];
    expect(checkinFromMessage(body({ payload }), '1234567')?.timestamp).to.equal(2);
  });

  it('ignores other types and other customers', () => {
    expect(
      checkinFromMessage(body({ payload: [{ timestamp: 1, type: 'CUSTOMER_CHECKOUT', content: {} }] }), '1234567'),
    ).to.equal(null);
    expect(checkinFromMessage(body({ entityId: 7654321 }), '1234567')).to.equal(null);
  });

  it('compares int64 ids digit by digit, beyond what a JS number holds', () => {
    const id = '9007199254740993'; // 2^53 + 1: as a number it reads as 2^53
    expect(checkinFromMessage(body({ entityId: 0 }).replace('"entityId":0', `"entityId":${id}`), id)).to.not.equal(
      null,
    );
    expect(
      checkinFromMessage(body({ entityId: 0 }).replace('"entityId":0', `"entityId":${id}`), '9007199254740992'),
    ).to.equal(null);
    // The webhook sends a number; a string is not what Magicline sends.
    expect(checkinFromMessage(body({ entityId: id }), id)).to.equal(null);
    expect(checkinFromMessage(body(), '0001234567')).to.not.equal(null);
  });

  it('ignores malformed data without throwing', () => {
    for (const data of [
      '',
      'not json',
      'null',
      '[]',
      '{"entityId":1234567}',
      body({ uuid: '' }),
      body({ payload: [{ type: 'CUSTOMER_CHECKIN' }] }),
      body({ payload: 'x' }),
      // One malformed event spoils the delivery, even beside a well-formed check-in.
      body({ payload: [{ timestamp: 1, type: 'CUSTOMER_CHECKIN' }, { type: 'CUSTOMER_UPDATED' }] }),
      body({ payload: [null] }),
      body({ payload: {} }),
    ]) {
      expect(checkinFromMessage(data, '1234567'), data).to.equal(null);
    }
  });
});
