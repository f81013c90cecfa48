/** Reading Magicline's webhooks on the raw text: the entityId digits and the key comparison. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entityIdDigits, hasDuplicateTopLevelKey, isCheckin, secretsEqual } from '../../src/server/webhook.js';

describe('entityIdDigits', () => {
  it("takes the top-level entityId's digits from the text, beyond 2^53 and with leading zeros", () => {
    assert.equal(entityIdDigits('{"entityId":9007199254740993,"uuid":"u"}'), '9007199254740993');
    assert.equal(entityIdDigits('{ "uuid" : "u" ,\n "entityId" :\t0001234567 }'), '0001234567');
    assert.equal(entityIdDigits('{"entityId":9223372036854775807}'), '9223372036854775807');
  });

  it('ignores entityIds that are nested, inside strings, or not whole numbers', () => {
    assert.equal(entityIdDigits('{"payload":[{"entityId":1}],"x":{"entityId":2},"entityId":3}'), '3');
    assert.equal(entityIdDigits('{"note":"\\"entityId\\":5","entityId":6}'), '6');
    assert.equal(entityIdDigits('{"payload":{"entityId":1}}'), null);
    assert.equal(entityIdDigits('{"entityId":"42"}'), null, 'a string is not a JSON integer');
    assert.equal(entityIdDigits('{"entityId":"1234567abc"}'), null);
    assert.equal(entityIdDigits('{"entityId":1.5}'), null);
    assert.equal(entityIdDigits('{"entityId":-1}'), null);
    assert.equal(entityIdDigits('{"entityId":1e3}'), null);
    assert.equal(entityIdDigits('{"entityId":null}'), null);
    assert.equal(entityIdDigits('{"entityId":12345678901234567890}'), null, 'more than 19 digits');
    assert.equal(entityIdDigits('[{"entityId":1}]'), null);
  });
});

describe('hasDuplicateTopLevelKey', () => {
  it('finds a key given twice at the top level, escaped or not, and nothing nested', () => {
    assert.equal(hasDuplicateTopLevelKey('{"entityId":1,"uuid":"u","entityId":2}'), true);
    assert.equal(hasDuplicateTopLevelKey('{"entityId":1,"entity\\u0049d":2}'), true);
    assert.equal(hasDuplicateTopLevelKey('{"a":{"b":1,"b":2},"c":[{"d":1,"d":2}],"note":"\\"a\\":"}'), false);
    assert.equal(hasDuplicateTopLevelKey('{"a":1,"b":{"a":2}}'), false);
  });
});

describe('isCheckin', () => {
  it('is true when the payload holds a CUSTOMER_CHECKIN', () => {
    assert.equal(isCheckin({ payload: [{ type: 'X' }, { type: 'CUSTOMER_CHECKIN' }] }), true);
    assert.equal(isCheckin({ payload: [{ type: 'CUSTOMER_CHECKOUT' }] }), false);
    assert.equal(isCheckin({ payload: 'CUSTOMER_CHECKIN' }), false);
    assert.equal(isCheckin(null), false);
  });
});

describe('secretsEqual', () => {
  it('is true only for the same secret', async () => {
    assert.equal(await secretsEqual('s3cret', 's3cret'), true);
    for (const other of ['', 's3cre', 's3crett', 'S3cret', 's3cret '])
      assert.equal(await secretsEqual(other, 's3cret'), false, other);
  });
});
