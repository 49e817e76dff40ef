/**
 * One mapping from "what the wire said" to the retry decision, shared by the
 * Bedrock and OpenAI-compatible providers so they retry the same things.
 */
import { type ProviderError, ThrottledError, TransientError, ValidationError, type RequestSignal } from '../eval/provider.js';

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

/**
 * Maps an HTTP status and error type to ThrottledError / TransientError /
 * ValidationError. `retryAfterMs` is the server's Retry-After, when it sent one.
 */
export function errorFromResponse(status: number | undefined, code: string | undefined, message: string, cause?: unknown, retryAfterMs?: number): ProviderError {
  const type = code || (status === undefined ? 'NetworkError' : `HTTP${status}`);
  const text = `${type}${status !== undefined ? ` (${status})` : ''}: ${oneLine(message) || 'no message'}`;
  const o = { code: type, status, cause, retryAfterMs };
  if (THROTTLE_CODES.has(type)) return new ThrottledError(text, o);
  if (TRANSIENT_CODES.has(type)) return new TransientError(text, o);
  if (status === 429) return new ThrottledError(text, o);
  if (status === undefined || status >= 500 || status === 408) return new TransientError(text, o);
  return new ValidationError(text, { code: type, status, cause });
}

/** Reads one header from a fetch Headers or a plain (lower- or mixed-case) header record. */
type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;
function header(h: HeaderSource, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  for (const [k, v] of Object.entries(h as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` (OpenAI),
 * `x-amz-retry-after` (ms, AWS), or `Retry-After` as seconds or an HTTP date.
 * Undefined when none is present or readable; never negative.
 */
export function retryAfterMs(h: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = header(h, 'retry-after-ms') ?? header(h, 'x-amz-retry-after');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Math.ceil(Number(ms)));
  const ra = header(h, 'retry-after')?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.max(0, Math.ceil(Number(ra) * 1000));
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
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
