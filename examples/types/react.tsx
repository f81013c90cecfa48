// What the generated React 19 types accept and reject. Compiled by CI
// (scripts/check-types.mjs); a `@ts-expect-error` line that stops being an
// error fails the compile, so a type that loosens to `string` is caught.
import type { CustomElements, GymAccessQrProps } from '../../types/jsx.js';
import type {} from '../../types/react.js';
import type { GymAccessQr } from '../../src/index.js';

export const correct = (
  <gym-access-qr
    customer-id="1234567"
    token-endpoint="/api/customers/{customerId}/access-code"
    events-endpoint="/api/customers/{customerId}/events"
    error-correction="Q"
    after-checkin="refresh"
    credentials="include"
    keep-awake
    lang="de"
    requestHeaders={async () => ({ Authorization: 'Bearer token' })}
    strings={{ loading: 'Moment…', codeLabel: (seconds) => `Code, ${seconds} s` }}
    ongym-access-qr-refresh={(event) => event.detail.expiresAt?.slice(0, 10)}
    ongym-access-qr-error={(event) => event.detail.kind === 'rate-limited' && event.detail.retryInMs}
    ongym-access-qr-invalidated={(event) => event.detail.reason === 'checkin'}
  />
);

export const wrongLevel = (
  // @ts-expect-error error-correction is L, M, Q or H
  <gym-access-qr customer-id="1" token-endpoint="/a" error-correction="X" />
);

export const wrongAfterCheckin = (
  // @ts-expect-error after-checkin is prompt or refresh
  <gym-access-qr customer-id="1" token-endpoint="/a" after-checkin="reload" />
);

export const wrongCredentials = (
  // @ts-expect-error credentials is same-origin, include or omit
  <gym-access-qr customer-id="1" token-endpoint="/a" credentials="always" />
);

export const unknownProperty = (
  // @ts-expect-error no such property (a typo of requestHeaders)
  <gym-access-qr customer-id="1" token-endpoint="/a" requestHeader={{ Authorization: 'Bearer token' }} />
);

export const wrongHeaders = (
  // @ts-expect-error header values are strings
  <gym-access-qr customer-id="1" token-endpoint="/a" requestHeaders={{ 'X-Retry': 3 }} />
);

export const wrongDetail = (
  <gym-access-qr
    customer-id="1"
    token-endpoint="/a"
    // @ts-expect-error the refresh event's detail has no content: the code never leaves the QR
    ongym-access-qr-refresh={(event) => event.detail.content}
  />
);

// The generated props agree with the element class, attribute by attribute and event by event.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type Props = Required<GymAccessQrProps>;
type Fields = { [K in keyof Props as K extends `on${string}` ? never : K]: Camel<K & string> extends keyof GymAccessQr ? Mutual<GymAccessQrProps[K], GymAccessQr[Camel<K & string>] | undefined> : `no property for ${K & string}` };
type Events = {
  [K in keyof Props as K extends `on${string}` ? K : never]: K extends `on${infer E}`
    ? E extends keyof GlobalEventHandlersEventMap
      ? Equal<Parameters<Props[K]>[0], GlobalEventHandlersEventMap[E]> extends true
        ? true
        : Mutual<Parameters<Props[K]>[0]['detail'], GlobalEventHandlersEventMap[E] extends CustomEvent<infer D> ? D : never>
      : `${E} is not in GlobalEventHandlersEventMap`
    : never;
};
type Unlisted = Exclude<Extract<keyof GlobalEventHandlersEventMap, `gym-access-qr-${string}`>, { [K in keyof Props]: K extends `on${infer E}` ? E : never }[keyof Props]>;

export const fieldsAgree: Fields[keyof Fields] extends true ? true : Fields = true;
export const eventsAgree: Events[keyof Events] extends true ? true : Events = true;
export const everyEventHasAProp: [Unlisted] extends [never] ? true : Unlisted = true;
export const tagIsListed: keyof CustomElements = 'gym-access-qr';
