import { createCodeService, type CodeService } from './code-service.js';
import type { RelayLogger } from './log.js';
import { countedFetch, type RelayMetrics } from './metrics.js';
import type { SharedState } from './state.js';
import { createStreamHub, type StreamHub } from './stream-hub.js';
import { studioState } from './studio-state.js';
import type { Studio } from './studios.js';

/** One studio's part of the relay: its view of the shared state, its codes (own key, URL, cap) and its streams. */
export interface StudioRuntime {
  studio: Studio;
  state: SharedState;
  codes: CodeService;
  hub: StreamHub;
  /** Stops its fan-out and its caching. */
  stop(): void;
}

export interface StudioRuntimeOptions {
  state: SharedState;
  metrics: RelayMetrics;
  logger: RelayLogger;
  /** Aborts the studio's upstream calls (the relay closing). */
  signal: AbortSignal;
  upstreamTimeoutMs?: number;
  fetch?: typeof fetch;
  keepAliveMs?: number;
}

export function studioRuntime(studio: Studio, options: StudioRuntimeOptions): StudioRuntime {
  const { metrics, logger } = options;
  const state = studioState(options.state, studio.id, {
    onReusableCode: () => metrics.codeFromCache(studio.id),
    onSlotRefused: () => metrics.refused(studio.id, 'rate'),
  });
  const codes = createCodeService({
    state,
    logger,
    limitPerMinute: studio.upstreamLimitPerMinute,
    upstream: {
      baseUrl: studio.magiclineBaseUrl,
      apiKey: studio.magiclineApiKey,
      ...(options.upstreamTimeoutMs ? { timeoutMs: options.upstreamTimeoutMs } : {}),
      fetch: countedFetch(metrics, studio.id, options.fetch ?? ((input, init) => fetch(input, init))),
      signal: options.signal,
    },
  });
  const hub = createStreamHub({ state, logger, keepAliveMs: options.keepAliveMs ?? 15_000 });
  const unsubscribe = state.subscribe((message) => {
    // A check-in makes a code being fetched for that customer suspect: later requests start afresh.
    codes.forget(message.customerKey);
    hub.deliver(message);
  });
  return {
    studio,
    state,
    codes,
    hub,
    stop() {
      codes.close();
      unsubscribe();
    },
  };
}
