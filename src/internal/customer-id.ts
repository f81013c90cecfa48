/**
 * The one customer-id rule, for the element and the relay alike: a Magicline
 * customer id is a non-negative int64 written as 1 to 19 decimal digits.
 */

/** The largest int64, the top of Magicline's customer id range. */
const INT64_MAX = '9223372036854775807';
const DIGITS = /^[0-9]{1,19}$/;

/** Whether `id` is a Magicline customer id: 1 to 19 decimal digits, at most the int64 maximum. */
export function isCustomerId(id: string): boolean {
  if (!DIGITS.test(id)) return false;
  // Leading zeros name the same customer; equal-length digit strings compare like the numbers they spell.
  const key = customerKey(id);
  return key.length < 19 || key <= INT64_MAX;
}

/** A customer id as a key: `0001234567` and `1234567` are the same customer. */
export function customerKey(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}
