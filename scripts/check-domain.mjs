#!/usr/bin/env node
/**
 * The half of the house's rule that imports cannot show: domain code never
 * touches the `process` global (argv, env, cwd, stdout, exit). Run by
 * `npm run lint:deps` after dependency-cruiser. Prints file:line per use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DOMAIN = ['ingest', 'pricing', 'classify', 'eval', 'calibrate', 'gate', 'costs', 'report', 'analyze', 'stats', 'drift'];
/** Files still being moved (issue #13): must shrink to nothing. */
const KNOWN = new Set([]);

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const found = [];
const stale = new Set(KNOWN);
for (const dir of DOMAIN) {
  for (const entry of readdirSync(path.join(root, 'src', dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.ts$/.test(entry.name)) continue;
    const file = path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/');
    const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      const code = text.replace(/\/\/.*$/, '').replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "''");
      if (/^\s*\*/.test(code) || !/(^|[^.\w$])process\s*[.[]/.test(code)) return;
      stale.delete(file);
      if (!KNOWN.has(file)) found.push(`${file}:${i + 1}: domain code uses the process global; take the value as a parameter from src/app`);
    });
  }
}
for (const f of found) console.error(f);
for (const f of stale) console.error(`scripts/check-domain.mjs: ${f} no longer uses process: remove it from KNOWN`);
process.exit(found.length || stale.size ? 1 : 0);
