/** The relay's metrics: the Prometheus text an operator scrapes, per studio, and the token in front of it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRelayMetrics } from '../../src/server/metrics.js';
import { parsePrometheus, sampleValue } from './prometheus.js';

const scrape = async (metrics: ReturnType<typeof createRelayMetrics>, headers: Record<string, string> = {}) => {
  const response = await metrics.respond(new Request('http://relay.test/metrics', { headers }));
  return { response, text: response.status === 200 ? await response.text() : '' };
};

describe('createRelayMetrics', () => {
  it("counts per studio, in the text format, with every studio's series there from the start", async () => {
    const metrics = createRelayMetrics({ studios: ['a', 'b'] });
    const before = parsePrometheus((await scrape(metrics)).text);
    for (const studio of ['a', 'b']) {
      assert.equal(sampleValue(before, 'gym_access_qr_webhooks_received_total', { studio }), 0);
      assert.ok(before.some((s) => s.name === 'gym_access_qr_open_streams' && s.labels.studio === studio));
      assert.ok(before.some((s) => s.name === 'gym_access_qr_refusals_total' && s.labels.reason === 'budget'));
    }

    metrics.upstreamCall('a', 200);
    metrics.upstreamCall('a', 200);
    metrics.upstreamCall('a', 429);
    metrics.upstreamCall('b', 'timeout');
    metrics.codeFromCache('b');
    metrics.streamOpened('a');
    metrics.streamOpened('a');
    metrics.streamClosed('a');
    metrics.webhookReceived('b');
    metrics.webhookDelivered('b');
    metrics.webhookKeyRefused();
    metrics.refused('a', 'rate');
    metrics.refused('b', 'auth');
    metrics.refused('b', 'auth');

    const { response, text } = await scrape(metrics);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type')!, /^text\/plain; version=0\.0\.4/);
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    const after = parsePrometheus(text);
    const value = (name: string, labels: Record<string, string>) => sampleValue(after, `gym_access_qr_${name}`, labels);
    assert.equal(value('upstream_calls_total', { studio: 'a', status: '200' }), 2);
    assert.equal(value('upstream_calls_total', { studio: 'a', status: '429' }), 1);
    assert.equal(value('upstream_calls_total', { studio: 'b', status: 'timeout' }), 1);
    assert.equal(value('upstream_calls_total', { studio: 'b', status: '200' }), 0);
    assert.equal(value('codes_from_cache_total', { studio: 'b' }), 1);
    assert.equal(value('codes_from_cache_total', { studio: 'a' }), 0);
    assert.equal(value('open_streams', { studio: 'a' }), 1);
    assert.equal(value('webhooks_received_total', { studio: 'b' }), 1);
    assert.equal(value('webhooks_received_total', { studio: 'a' }), 0);
    assert.equal(value('webhooks_delivered_total', { studio: 'b' }), 1);
    assert.equal(value('webhook_key_refusals_total', {}), 1);
    assert.equal(value('refusals_total', { studio: 'a', reason: 'rate' }), 1);
    assert.equal(value('refusals_total', { studio: 'b', reason: 'auth' }), 2);
    assert.ok(sampleValue(after, 'process_cpu_user_seconds_total') > 0, "the process's own metrics");
    assert.ok(after.some((s) => s.name === 'nodejs_eventloop_lag_seconds'));
  });

  it('keeps two relays in one process apart', async () => {
    const one = createRelayMetrics({ studios: ['a'] });
    const two = createRelayMetrics({ studios: ['a'] });
    one.webhookReceived('a');
    assert.equal(sampleValue(parsePrometheus((await scrape(one)).text), 'gym_access_qr_webhooks_received_total'), 1);
    assert.equal(sampleValue(parsePrometheus((await scrape(two)).text), 'gym_access_qr_webhooks_received_total'), 0);
  });

  it('asks for the bearer token when one is set', async () => {
    const metrics = createRelayMetrics({ studios: ['a'], token: 'metrics-token-1', processMetrics: false });
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer metrics-token-2' },
      { Authorization: 'metrics-token-1' },
    ]) {
      const { response } = await scrape(metrics, headers);
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.equal(response.headers.get('WWW-Authenticate'), 'Bearer');
    }
    const { response, text } = await scrape(metrics, { Authorization: 'Bearer metrics-token-1' });
    assert.equal(response.status, 200);
    assert.equal(sampleValue(parsePrometheus(text), 'gym_access_qr_open_streams', { studio: 'a' }), 0);
    assert.ok(!text.includes('process_cpu'), 'without the process metrics when asked');
  });
});
