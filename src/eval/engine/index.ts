/** The eval engine: limiter, attempt, the one retry, lanes and the run's Halt. */
export { AdaptiveLimiter } from './limiter.js';
export { attempt,  } from './attempt.js';
export { backoffDelay, retryDelay,     } from './retry.js';
export { runLanes } from './lanes.js';
export { Halt,  } from './halt.js';
export type {   Sleep, Timers } from './timers.js';
export { Cancelled,  errorGroupLines,  type ErrorGroup } from './errors.js';
export { CallEngine,   } from './callEngine.js';
