/** Helpers for the front desk's feed tests: the element, the relay's messages, and what a person sees. */
import '../src/feed/define.js';
import type { GymCheckinFeed } from '../src/feed/index.js';

export const FEED_ENDPOINT = '/relay/v1/studios/{studio}/checkins';

/** A check-in as the relay's feed sends it. */
export function feedCheckin(at: number, over: Record<string, unknown> = {}) {
  return { customerId: '1234567', at: new Date(at).toISOString(), uuid: crypto.randomUUID(), ...over };
}

/** An SSE message: optional `id:`, the check-in as `data:`. */
export function feedMessage(body: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${typeof body === 'string' ? body : JSON.stringify(body)}\n\n`;
}

export async function mountFeed(
  attributes: Record<string, string> = { 'events-endpoint': FEED_ENDPOINT, studio: 'berlin-mitte' },
  parent: HTMLElement = document.body,
): Promise<GymCheckinFeed> {
  const el = document.createElement('gym-checkin-feed');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  parent.append(el);
  await el.updateComplete;
  return el;
}

const root = (el: GymCheckinFeed) => el.shadowRoot!;
const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/** What a person reads on the feed. */
export function seen(el: GymCheckinFeed) {
  return {
    count: text(root(el).querySelector('.number')),
    state: text(root(el).querySelector('[part="state"]')),
    /** `hh:mm name` per row, top to bottom. */
    rows: [...root(el).querySelectorAll('.row')].map(text),
    /** Rows marked as new. */
    fresh: [...root(el).querySelectorAll('.row.new')].map(text),
    /** Each hour's bar height, in the chart's units (100 for the busiest hour). */
    bars: [...root(el).querySelectorAll('svg.bars rect')].map((rect) => Number(rect.getAttribute('height'))),
    /** The hidden table: the check-ins per hour, 00:00–01:00 first. */
    table: [...root(el).querySelectorAll('tbody td')].map((cell) => Number(cell.textContent)),
  };
}

/** Epoch ms of a local time on the device's clock, today or `days` away. */
export function local(hours: number, minutes = 0, days = 0, base = Date.now()): number {
  const date = new Date(base);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days, hours, minutes).getTime();
}

/** 24 zeros with `counts` at their hours. */
export function hourly(counts: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, hour) => counts[hour] ?? 0);
}
