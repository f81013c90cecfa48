// What the generated Vue types accept and reject (see react.tsx). Volar reads
// the same GlobalComponents entry to check <gym-access-qr> in templates.
import type { GlobalComponents } from 'vue';
import type {} from '../../types/vue.js';

type Props = InstanceType<GlobalComponents['gym-access-qr']>['$props'];

export const correct: Props = {
  'customer-id': '1234567',
  'token-endpoint': '/api/customers/{customerId}/access-code',
  'error-correction': 'H',
  'after-checkin': 'prompt',
  requestHeaders: () => ({ Authorization: 'Bearer token' }),
  'ongym-access-qr-error': (event) => event.detail.kind,
};

// @ts-expect-error error-correction is L, M, Q or H
export const wrongLevel: Props = { 'error-correction': 'X' };

// @ts-expect-error after-checkin is prompt or refresh
export const wrongAfterCheckin: Props = { 'after-checkin': 'reload' };

// @ts-expect-error header values are strings
export const wrongHeaders: Props = { requestHeaders: { 'X-Retry': 3 } };
