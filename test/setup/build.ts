/**
 * vitest globalSetup: the CLI tests run bin/tokor.js, which runs dist/. When
 * any source file is newer than the build (an edit followed by `npx vitest`),
 * build first, so no test ever runs stale code.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STAMP = path.join(ROOT, 'dist', 'cli', 'main.js');

function newestSource(): number {
  let newest = 0;
  for (const e of readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return Math.max(newest, statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs);
}

function builtAt(): number {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

export default function setup(): void {
  if (builtAt() >= newestSource()) return;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the build failed, so the CLI tests cannot run:\n${r.stdout}${r.stderr}`);
}
