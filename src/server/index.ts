/**
 * `gym-access-qr/server`: the partner relay the element talks to. Node only
 * (or any runtime with `fetch`, `Request`, `Response`); never part of the
 * browser bundle.
 */
export {
  createRelay,
  sseFrame,
  REUSE_MIN_REMAINING_MS,
  SHUTDOWN_GRACE_MS,
  type NodeHandler,
  type Relay,
  type RelayCommonOptions,
  type RelayOptions,
  type StudioOptions,
  type StudiosRelayOptions,
} from './relay.js';
export { DEFAULT_STUDIO_ID, parseStudios, StudiosError, type Studio } from './studios.js';
export {
  jwtAuthorizer,
  staffJwtAuthorizer,
  type Authorization,
  type Authorize,
  type AuthorizeContext,
  type AuthorizeMember,
  type AuthorizeStaff,
  type StaffContext,
  type MemberContext,
  type JwtAuthorizerOptions,
} from './authorize.js';
export { createMemoryState, type MemoryStateOptions } from './memory-state.js';
export { createRedisState, type RedisStateOptions } from './redis-state.js';
export type { CachedCode, CheckinMessage, CodeEntry, SharedState, SlotAnswer } from './state.js';
export { jsonLogger, silentLogger, type RelayLogger } from './log.js';
