/**
 * The response cache on disk: one file per entry under
 * <dir>/<first two hex>/<key>.json, written to a temp file and renamed, so a
 * killed run never leaves a half entry. Unreadable entries are misses. Keys
 * and entries: src/eval/cache.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CachedResponse, ResponseStore } from '../eval/cache.js';

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
