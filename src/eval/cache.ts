/**
 * A response cache on disk, so a re-run pays nothing for what it already has.
 * Keyed by sha256 over the provider, model, endpoint, inference parameters and
 * input (system + messages), in a fixed field order. One file per entry under
 * <dir>/<first two hex>/<key>.json, written to a temp file and renamed, so a
 * killed run never leaves a half entry. Unreadable entries are misses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseInput } from './types.js';
import type { InvokeResult } from '../providers/types.js';

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

export class ResponseCache implements ResponseStore {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as { key?: string; response?: CachedResponse };
      if (v.key !== key || !v.response || typeof v.response.output !== 'string' || !v.response.usage) return undefined;
      return v.response;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ key, savedAt: new Date().toISOString(), response: value }));
    await rename(tmp, file);
  }
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
