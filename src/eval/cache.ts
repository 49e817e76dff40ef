/**
 * A response cache on disk, so a re-run pays nothing for what it already has.
 * Keyed by sha256 over the provider, model, endpoint, inference parameters and
 * input (system + messages), in a fixed field order. The store on disk is
 * src/io/responseCache.ts.
 */
import { createHash } from 'node:crypto';
import type { CaseInput } from './types.js';
import type { InvokeResult } from './provider.js';

export const DEFAULT_CACHE_DIR = '.tokor-cache';
const CACHE_VERSION = 1;

export interface CacheKeyParts {
  provider: string;
  model: string;
  endpoint?: string;
  maxTokens?: number;
  temperature?: number;
  stopSequences?: string[];
  input: CaseInput;
}

/** What the cache keeps of a provider's answer: everything but the raw response. */
export type CachedResponse = Omit<InvokeResult, 'raw'>;

/** sha256 (hex) of the request's identity. Field order is fixed so the key is stable. */
export function cacheKey(p: CacheKeyParts): string {
  const canonical = JSON.stringify([
    CACHE_VERSION,
    p.provider,
    p.model,
    p.endpoint ?? null,
    p.maxTokens ?? null,
    p.temperature ?? null,
    p.stopSequences ?? [],
    p.input.system ?? null,
    p.input.messages.map((m) => [m.role, m.content]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ResponseStore {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
}

/** What of a live answer is worth keeping (raw provider payloads are not). */
export function toCached(res: InvokeResult): CachedResponse {
  return {
    output: res.output,
    usage: res.usage,
    latencyMs: res.latencyMs,
    ...(res.model ? { model: res.model } : {}),
    ...(res.invokedModel ? { invokedModel: res.invokedModel } : {}),
    ...(res.confidence !== undefined ? { confidence: res.confidence } : {}),
  };
}
