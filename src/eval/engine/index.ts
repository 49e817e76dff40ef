/** The eval engine: limiter, attempt, the one retry, lanes and the run's Halt. */
export { AdaptiveLimiter } from './limiter.js';
export { attempt, type Attempted } from './attempt.js';
export { backoffDelay, retryDelay, withRetries, DEFAULT_BACKOFF, DEFAULT_RETRIES, type Backoff } from './retry.js';
export { runLanes } from './lanes.js';
export { Halt, type HaltDepth } from './halt.js';
export { abortableSleep, REAL_TIMERS, type Sleep, type Timers } from './timers.js';
export { Cancelled, ErrorTally, errorGroupLines, type CallPurpose, type ErrorGroup } from './errors.js';
export { CallEngine, type CallTarget, type EngineOptions } from './callEngine.js';
