import { expect } from '@open-wc/testing';
import {
  HOUR_STRIP,
  minutesLeft,
  ringSteps,
  SECONDS_LEFT_STRIP,
  MINUTE_SECOND_STRIP,
  stripSteps,
  type CountdownCode,
  type Steps,
} from '../src/internal/countdown.js';

/** The line a strip shows at `t`, as the compositor steps it: value i from start + i·period, cycling. */
function showing(values: string, { count, period, start }: Steps, t: number): string {
  const lines = values.split('\n');
  expect(lines).to.have.length(count);
  const step = Math.floor((t - start) / period);
  return lines[((step % count) + count) % count]!;
}

/** What the countdown and the clock must read at `t`, worked out directly. */
function expected(code: CountdownCode, t: number): string {
  const left = Math.ceil((code.deadline - t) / 1000);
  const second = code.deadline - left * 1000;
  const time = new Date(code.issuedAt + second - code.receivedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(left / 60)}:${two(left % 60)} ${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
}

/** What the five strips show at `t`, timed at `now`. */
function shown(code: CountdownCode, now: number, t: number): string {
  const [minutes, seconds, hours, clockMinutes, clockSeconds] = stripSteps(code, now);
  return (
    `${showing(minutesLeft(code), minutes!, t)}:${showing(SECONDS_LEFT_STRIP, seconds!, t)} ` +
    `${showing(HOUR_STRIP, hours!, t)}:${showing(MINUTE_SECOND_STRIP, clockMinutes!, t)}:${showing(MINUTE_SECOND_STRIP, clockSeconds!, t)}`
  );
}

describe('countdown strips', () => {
  it("read m:ss and the server clock's hh:mm:ss at every moment of a 29 s code", () => {
    // Sent at 1000.5, dead 29 s later; the server said 09:05:07.250 when it arrived 180 ms after the send.
    // (Samples fall between the steps at …000.5: a step's exact instant is a matter of floating-point rounding.)
    const code = {
      sentAt: 1000.5,
      deadline: 30_000.5,
      issuedAt: new Date(2026, 2, 2, 9, 5, 7, 250).getTime(),
      receivedAt: 1180.5,
    };
    expect(shown(code, 1180.5, 1180.5)).to.equal('0:29 09:05:07');
    for (let t = 1180.75; t < code.deadline; t += 97)
      expect(shown(code, 1180.5, t), `at ${t}`).to.equal(expected(code, t));
    // Timed again later in the same code (put back on the page, shown again): the same reading.
    for (let t = 20_000.75; t < code.deadline; t += 131)
      expect(shown(code, 19_873, t), `at ${t}`).to.equal(expected(code, t));
  });

  it('count down across whole minutes for a long code, and the clock across midnight', () => {
    const code = {
      sentAt: 0,
      deadline: 186_500,
      issuedAt: new Date(2026, 2, 2, 23, 58, 30).getTime(),
      receivedAt: 500,
    };
    expect(minutesLeft(code)).to.equal('3\n2\n1\n0');
    expect(shown(code, 500, 500)).to.equal('3:06 23:58:30');
    expect(shown(code, 500, 7_499)).to.equal('3:00 23:58:36');
    expect(shown(code, 500, 7_500)).to.equal('2:59 23:58:37');
    expect(shown(code, 500, 91_500)).to.equal('1:35 00:00:01');
    for (let t = 500.25; t < code.deadline; t += 251)
      expect(shown(code, 500, t), `at ${t}`).to.equal(expected(code, t));
  });

  it("steps the ring once a second on the same grid, the whole of it at the code's start, none at its end", () => {
    const code = { sentAt: 1000.5, deadline: 30_000.5, issuedAt: 0, receivedAt: 1180.5 };
    const ring = ringSteps(code);
    expect(ring).to.deep.equal({ count: 29, period: 1000, start: 1000.5 });
    // Whole steps taken at t: what is gone of the ring, in 29ths, against the m:ss.
    for (let t = 1180.75; t < code.deadline; t += 97) {
      const gone = Math.floor((t - ring.start) / ring.period);
      expect(29 - gone, `at ${t}`).to.equal(Math.ceil((code.deadline - t) / 1000));
    }
  });
});
