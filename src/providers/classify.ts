/**
 * One mapping from "what the wire said" to the retry decision, shared by the
 * Bedrock and OpenAI-compatible providers so they retry the same things.
 */
import { ProviderError, ThrottledError, TransientError, ValidationError, type RequestSignal } from './types.js';

/** Error types that are retryable whatever their status (Bedrock's ModelNotReady is a 429). */
const TRANSIENT_CODES = new Set([
  'ModelNotReadyException',
  'InternalServerException',
  'ServiceUnavailableException',
  'ModelTimeoutException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const THROTTLE_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'rate_limit_exceeded', 'Throttling']);

/** Maps an HTTP status and error type to ThrottledError / TransientError / ValidationError. */
export function errorFromResponse(status: number | undefined, code: string | undefined, message: string, cause?: unknown): ProviderError {
  const type = code || (status === undefined ? 'NetworkError' : `HTTP${status}`);
  const text = `${type}${status !== undefined ? ` (${status})` : ''}: ${oneLine(message) || 'no message'}`;
  if (THROTTLE_CODES.has(type)) return new ThrottledError(text, { code: type, status, cause });
  if (TRANSIENT_CODES.has(type)) return new TransientError(text, { code: type, status, cause });
  if (status === 429) return new ThrottledError(text, { code: type, status, cause });
  if (status === undefined || status >= 500 || status === 408) return new TransientError(text, { code: type, status, cause });
  return new ValidationError(text, { code: type, status, cause });
}

/** Network-level failures (connection reset/refused, socket hang up, DNS) are transient. */
export function networkError(e: unknown): ProviderError {
  const err = e as { code?: string; message?: string; name?: string };
  const code = err.code ?? err.name ?? 'NetworkError';
  return new TransientError(`${code}: ${oneLine(err.message ?? String(e))}`, { code, cause: e });
}

/** The error for a request the caller aborted (timeout or Ctrl-C): the runner knows which. */
export function abortedError(signal: RequestSignal): ProviderError {
  const reason = signal.reason as { name?: string; message?: string } | undefined;
  const code = reason?.name === 'TimeoutError' ? 'TimeoutError' : 'Aborted';
  return new TransientError(`${code}: ${reason?.message ?? 'request aborted'}`, { code, cause: signal.reason });
}

export function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
