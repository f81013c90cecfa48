import { createCodeService, type CodeService } from './code-service.js';
import { withFields, type RelayLogger } from './log.js';
import { countedFetch, type RelayMetrics } from './metrics.js';
import type { SharedState } from './state.js';
import { studioState } from './studio-state.js';
import type { Studio } from './studios.js';

/** One studio's part of the relay: its view of the shared state and its codes (own key, URL, cap). */
export interface StudioRuntime {
  studio: Studio;
  state: SharedState;
  codes: CodeService;
}

export interface StudioRuntimeOptions {
  state: SharedState;
  metrics: RelayMetrics;
  logger: RelayLogger;
  /** Aborts the studio's upstream calls (the relay closing). */
  signal: AbortSignal;
  upstreamTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Upstream calls a minute for one customer (default 6). */
  memberLimitPerMinute?: number;
}

export function studioRuntime(studio: Studio, options: StudioRuntimeOptions): StudioRuntime {
  const { metrics, logger } = options;
  const state = studioState(options.state, studio.id, {
    onReusableCode: () => metrics.codeFromCache(studio.id),
    onSlotRefused: () => metrics.refused(studio.id, 'rate'),
    onMemberSlotRefused: () => metrics.refused(studio.id, 'budget'),
  });
  const codes = createCodeService({
    state,
    logger,
    limitPerMinute: studio.upstreamLimitPerMinute,
    ...(options.memberLimitPerMinute ? { memberLimitPerMinute: options.memberLimitPerMinute } : {}),
    upstream: {
      baseUrl: studio.magiclineBaseUrl,
      apiKey: studio.magiclineApiKey,
      ...(options.upstreamTimeoutMs ? { timeoutMs: options.upstreamTimeoutMs } : {}),
      fetch: countedFetch(metrics, studio.id, options.fetch ?? ((input, init) => fetch(input, init))),
      signal: options.signal,
    },
  });
  return { studio, state, codes };
}

/** Every studio's runtime by id; with several studios, each one's log lines name it. */
export function studioRuntimes(studios: readonly Studio[], options: StudioRuntimeOptions): Map<string, StudioRuntime> {
  return new Map(
    studios.map((studio) => [
      studio.id,
      studioRuntime(studio, {
        ...options,
        logger: studios.length > 1 ? withFields(options.logger, { studio: studio.id }) : options.logger,
      }),
    ]),
  );
}
