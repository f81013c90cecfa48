import { LitElement, html, svg, type PropertyValues, type TemplateResult } from 'lit';
import { languageOf } from '../internal/i18n.js';
import type { RequestHeadersSource } from '../internal/request.js';
import { CheckinFeedController, FeedState } from './internal/feed-controller.js';
import { feedStringsFor, type GymCheckinFeedStrings } from './internal/strings.js';
import { styles } from './gym-checkin-feed.styles.js';

/** The chart's drawing units: 24 bars of 10, 100 high. */
const BAR_STEP = 10;
const CHART_HEIGHT = 100;

/**
 * The front desk's live view of a studio's check-ins, from the relay's feed:
 * how many today, when the rush is, and who just came in.
 *
 * @summary Shows a studio's check-ins live: today's count, a bar per hour, the latest 50.
 *
 * @example
 * ```html
 * <gym-checkin-feed events-endpoint="https://relay.example/v1/studios/{studio}/checkins" studio="berlin-mitte"></gym-checkin-feed>
 * ```
 *
 * @attr {string} lang - UI language (`en`, `de`); the nearest `lang` attribute counts, English is the fallback.
 * @prop {Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | undefined} requestHeaders - Headers for every connection, or a function (sync or async) that returns them, called before each: the place for a staff bearer token. Property only, so no secret ends up in the DOM.
 * @prop {{ today?: string; connecting?: string; live?: string; reconnecting?: string; errorConfig?: string; errorUnauthorized?: string; errorForbidden?: string; perHour?: string; hour?: string; checkins?: string; latest?: string; empty?: string; customer?: (customerId: string) => string } | undefined} strings - Overrides for any of the UI texts.
 *
 * @event {{ customerId: string; at: string; name?: string }} gym-checkin-feed-checkin - A check-in is shown for the first time (replayed or live). Detail: `{ customerId, at, name? }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart count - Today's number of check-ins and its label.
 * @csspart state - The connection state: live, connecting, reconnecting or the error.
 * @csspart chart - The bar per hour of today (an inline SVG; a hidden table says the same to screen readers).
 * @csspart list - The latest check-ins, newest first.
 * @csspart row - One check-in in the list; a new one has the class `new` for a moment.
 * @csspart time - A check-in's `hh:mm`.
 * @csspart name - A check-in's name, or its customer id.
 *
 * @cssproperty [--gym-checkin-feed-accent=#15803d] - The bars, the live dot, a new row's mark.
 * @cssproperty [--gym-checkin-feed-warning=#b45309] - The dot while reconnecting.
 * @cssproperty [--gym-checkin-feed-danger=#b91c1c] - The dot and border of an error.
 * @cssproperty [--gym-checkin-feed-highlight=color-mix(in srgb, #15803d 18%, transparent)] - A new row's background for a moment.
 * @cssproperty [--gym-checkin-feed-track=color-mix(in srgb, currentColor 15%, transparent)] - Lines between rows, the chart's baseline.
 * @cssproperty [--gym-checkin-feed-radius=0.75rem] - Corner radius of the box.
 * @cssproperty [--gym-checkin-feed-font=inherit] - Font of all texts.
 */
export class GymCheckinFeed extends LitElement {
  static override styles = styles;

  static override properties = {
    eventsEndpoint: { attribute: 'events-endpoint' },
    studio: {},
    credentials: {},
    state: { reflect: true },
    requestHeaders: { attribute: false },
    strings: { attribute: false },
  };

  /** Server-Sent Events URL of the relay's check-in feed; `{studio}` is replaced by the URL-encoded `studio`. */
  declare eventsEndpoint: string;
  /** The studio whose check-ins to show, for `{studio}` in `events-endpoint`. */
  declare studio: string;
  /** Fetch credentials mode for the stream: `same-origin`, `include` or `omit`. */
  declare credentials: 'same-origin' | 'include' | 'omit';
  /**
   * The connection: `idle` (not configured), `connecting`, `live`, `reconnecting` or `error` (a bad
   * configuration, 401 or 403). Reflected for styling (`gym-checkin-feed[state="error"]`); read-only.
   */
  declare state: 'idle' | 'connecting' | 'live' | 'reconnecting' | 'error';
  /**
   * Headers for every connection, or a function (sync or async) that returns them, called before each:
   * the place for a staff bearer token. Property only, so no secret ends up in the DOM.
   */
  declare requestHeaders: RequestHeadersSource | undefined;
  /** Overrides for any of the UI texts. */
  declare strings: Partial<GymCheckinFeedStrings> | undefined;

  private readonly feed = new CheckinFeedController(this);
  #strings = feedStringsFor('en');
  #lang = '';
  #time: Intl.DateTimeFormat | null = null;

  constructor() {
    super();
    this.eventsEndpoint = '';
    this.studio = '';
    this.credentials = 'same-origin';
    this.state = 'idle';
    this.requestHeaders = undefined;
    this.strings = undefined;
  }

  static override get observedAttributes(): string[] {
    // `lang` is native, not a reactive property; watch it to re-render in the new language.
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected override update(changed: PropertyValues<this>): void {
    // After the controller's hostUpdate (which may have just applied a new configuration), unlike willUpdate.
    this.state = this.feed.state;
    const lang = languageOf(this);
    if (lang !== this.#lang || !this.#time) {
      this.#lang = lang;
      // 24-hour hh:mm, as a front desk reads a log; the language picks the digits and separator.
      this.#time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    }
    this.#strings = feedStringsFor(lang, this.strings);
    super.update(changed);
  }

  protected override render(): TemplateResult {
    const strings = this.#strings;
    const { tally } = this.feed;
    return html`
      <div part="base" class="base">
        <div class="head">
          <p part="count" class="count"><span class="number">${tally.today}</span> ${strings.today}</p>
          <p part="state" class="state" role="status">
            <span class="dot" aria-hidden="true"></span>${this.stateText()}
          </p>
        </div>
        ${this.renderChart(tally.hours)}
        <h2 class="title" id="latest">${strings.latest}</h2>
        ${
          tally.rows.length
            ? html`<ol part="list" class="list" aria-labelledby="latest">
                ${tally.rows.map(
                  (row) =>
                    html`<li part="row" class="row ${row.newUntil !== null ? 'new' : ''}">
                      <time part="time" datetime=${new Date(row.at).toISOString()}>${this.#time!.format(row.at)}</time>
                      <span part="name" class="name">${row.name ?? strings.customer(row.customerId)}</span>
                    </li>`,
                )}
              </ol>`
            : html`<p part="list" class="empty">${strings.empty}</p>`
        }
      </div>
    `;
  }

  private renderChart(hours: readonly number[]): TemplateResult {
    const strings = this.#strings;
    const top = Math.max(1, ...hours);
    const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
    // Drawn for the eye only; the table says the same to a screen reader.
    return html`
      <figure part="chart" class="chart">
        <svg class="bars" viewBox="0 0 ${24 * BAR_STEP} ${CHART_HEIGHT}" preserveAspectRatio="none" aria-hidden="true">
          ${hours.map((count, h) => {
            const height = (count / top) * CHART_HEIGHT;
            return svg`<rect x=${h * BAR_STEP + 1} y=${CHART_HEIGHT - height} width=${BAR_STEP - 2} height=${height}></rect>`;
          })}
        </svg>
        <div class="axis" aria-hidden="true">
          <span>00</span><span>06</span><span>12</span><span>18</span><span>24</span>
        </div>
        <table class="visually-hidden">
          <caption>
            ${strings.perHour}
          </caption>
          <thead>
            <tr>
              <th scope="col">${strings.hour}</th>
              <th scope="col">${strings.checkins}</th>
            </tr>
          </thead>
          <tbody>
            ${hours.map(
              (count, h) =>
                html`<tr>
                  <th scope="row">${hour(h)}–${hour(h + 1)}</th>
                  <td>${count}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </figure>
    `;
  }

  private stateText(): string {
    const strings = this.#strings;
    switch (this.feed.state) {
      case FeedState.idle:
        return '';
      case FeedState.connecting:
        return strings.connecting;
      case FeedState.live:
        return strings.live;
      case FeedState.reconnecting:
        return strings.reconnecting;
      case FeedState.error:
        return this.feed.error === 'unauthorized'
          ? strings.errorUnauthorized
          : this.feed.error === 'forbidden'
            ? strings.errorForbidden
            : strings.errorConfig;
    }
  }
}
