#!/usr/bin/env node
// gym-access-qr-relay: the partner relay as a process, configured by the
// environment (see README, "Run the relay"). Listens on HOST (default every interface).
import { ConfigError, readConfig, relayFromConfig } from './config.js';
import { describeError, jsonLogger } from './log.js';

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`gym-access-qr-relay: ${error.message}`);
    process.exit(2);
  }
  const relay = relayFromConfig(config, { logger: jsonLogger });
  const { port } = await relay.listen({ port: config.port, hostname: config.host });
  jsonLogger.info('relay listening', {
    host: config.host,
    port,
    studios: config.studios.map((studio) => studio.id),
    sharedState: config.redisUrl ? 'redis' : 'memory',
    upstreamLimitPerMinute: config.upstreamLimitPerMinute,
    memberUpstreamLimitPerMinute: config.memberUpstreamLimitPerMinute,
    maxStreams: relay.maxStreams,
    allowedOrigins: config.allowedOrigins,
    metricsToken: Boolean(config.metricsToken),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    jsonLogger.info('relay stopping', { signal });
    // An orchestrator kills after its grace period (Kubernetes: 30 s); whatever hangs, go well before.
    setTimeout(() => {
      jsonLogger.warn('relay stopped before everything closed', { ms: Math.round(performance.now() - started) });
      process.exit(0);
    }, 9_500).unref();
    relay.close().then(
      () => {
        jsonLogger.info('relay stopped', { ms: Math.round(performance.now() - started) });
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

process.on('unhandledRejection', (error) => {
  jsonLogger.error('unhandled rejection', { error: describeError(error) });
});

main().catch((error: unknown) => {
  console.error(`gym-access-qr-relay: ${describeError(error)}`);
  process.exit(1);
});
