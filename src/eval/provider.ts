/**
 * The Provider port: what the eval engine needs from a model client, and the
 * typed errors that carry the retry decision. Defined here, in the domain;
 * src/providers/ implements it (Bedrock, OpenAI-compatible, replay) and is
 * the only code that talks to models.
 */
import type { CaseInput } from './types.js';
import { redactSecrets } from '../redact.js';

/** Token usage as the provider reported it. `inputTokens` excludes cache reads and writes. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Which dataset item a request is for: replay looks its recording up by it. */
export interface ItemRef {
  datasetId: string;
  /** The dataset file; recordings live next to it in recordings/<tier>.jsonl. */
  datasetFile?: string;
  itemId: string;
}

export interface InvokeRequest {
  input: CaseInput;
  maxTokens?: number;
  temperature?: number;
  stopSequences?: string[];
  /** Aborts the request (per-request timeout or the user's Ctrl-C). */
  signal: RequestSignal;
  /** Required by replay; ignored by live providers. */
  ref?: ItemRef;
}

/**
 * What aborts a request: a platform AbortSignal, or the runner's lighter
 * AttemptSignal. Both have `aborted`, `reason` and an `onabort` handler slot,
 * which is also the AWS SDK's own abort-signal shape.
 */
export interface RequestSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  // biome-ignore lint/suspicious/noExplicitAny: the DOM and SDK types disagree on the handler's `this` and event.
  onabort: ((this: any, ev: any) => any) | null;
}

/**
 * One attempt's abort signal: `abort(reason)` sets `aborted` and `reason` and
 * calls the one `onabort` handler (its consumer: the SDK's HTTP handler, or a
 * provider's link to an AbortController). No EventTarget, no listeners: the
 * runner makes one per attempt, and a platform AbortSignal costs an
 * AbortController plus listener pairs on every request.
 */
export class AttemptSignal implements RequestSignal {
  aborted = false;
  reason: unknown = undefined;
  // biome-ignore lint/suspicious/noExplicitAny: as RequestSignal's.
  onabort: ((this: any, ev: any) => any) | null = null;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.onabort?.call(this, undefined);
  }
}

/** A platform AbortSignal for APIs that need one (fetch): the signal itself, or one linked to it. */
export function platformSignal(signal: RequestSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  const ac = new AbortController();
  if (signal.aborted) ac.abort(signal.reason);
  else signal.onabort = () => ac.abort(signal.reason);
  return ac.signal;
}

export interface InvokeResult {
  output: string;
  usage: Usage;
  /** Wall time of the call as measured by the client (or recorded). */
  latencyMs: number;
  /** The model that answered when the provider says so (a recording's model). */
  model?: string;
  /** The model a prompt router actually invoked (Bedrock trace.promptRouter.invokedModelId). */
  invokedModel?: string;
  /** Confidence signal, when a recording carries one. */
  confidence?: number;
  /** The provider's response, for debugging; never persisted. */
  raw?: unknown;
}

export interface ModelClient {
  readonly provider: string;
  readonly model: string;
  /** Part of the response-cache key: two endpoints never share cached answers. */
  readonly endpoint?: string;
  invoke(req: InvokeRequest): Promise<InvokeResult>;
  /** Releases sockets. */
  close?(): void;
}

/** A provider failure with the retry decision attached. `code` is the wire error type (ThrottlingException …). */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly code: string;
  readonly status: number | undefined;
  /** How long the server asked us to wait before trying again (Retry-After, retry-after-ms), when it said so. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryable: boolean; code: string; status?: number | undefined; cause?: unknown; retryAfterMs?: number }) {
    // Servers echo request headers in error bodies: never keep a credential in a message.
    super(redactSecrets(message), { cause: opts.cause });
    this.name = new.target.name;
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** 429 ThrottlingException or an equivalent: retried with backoff, and the runner lowers its concurrency. */
export class ThrottledError extends ProviderError {
  constructor(message: string, opts: { code?: string; status?: number; cause?: unknown; retryAfterMs?: number | undefined } = {}) {
    super(message, { retryable: true, code: opts.code ?? 'ThrottlingException', status: opts.status ?? 429, cause: opts.cause, ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}) });
  }
}

/** 5xx, timeouts, ModelNotReady, dropped connections, cut-off bodies: retried with backoff. */
export class TransientError extends ProviderError {
  constructor(message: string, opts: { code?: string; status?: number | undefined; cause?: unknown; retryAfterMs?: number | undefined } = {}) {
    super(message, { retryable: true, code: opts.code ?? 'TransientError', status: opts.status, cause: opts.cause, ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}) });
  }
}

/** 4xx other than throttling (bad request, access denied, unknown model), or a missing recording: never retried. */
export class ValidationError extends ProviderError {
  constructor(message: string, opts: { code?: string; status?: number; cause?: unknown } = {}) {
    super(message, { retryable: false, code: opts.code ?? 'ValidationException', status: opts.status ?? 400, cause: opts.cause });
  }
}
