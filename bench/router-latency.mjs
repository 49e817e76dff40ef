#!/usr/bin/env node
/**
 * node bench/router-latency.mjs (after npm run build) — the router's own latency per request, the
 * figure behind calibrate's default --router-latency (src/calibrate/latency.ts DEFAULT_ROUTER_LATENCY_MS).
 *
 * Trains the router as `tokor calibrate --out-router` does on the bundled golden datasets, then times
 * its in-process scoring (features + the fold model its hash picks) of every bundled prompt, and of
 * 4,000-character prompts; the shipped RouteLLM labeler beside it. Medians of 5 runs, after a warm-up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadRouterModel } = await import(path.join(ROOT, 'dist/artifacts/routerLabeler.js'));
const { shippedLabeler } = await import(path.join(ROOT, 'dist/classify/shipped.js'));

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-router-latency-'));
const routerFile = path.join(dir, 'router.json');
const cal = spawnSync(process.execPath, [path.join(ROOT, 'bin/tokor.js'), 'calibrate', '--out-router', routerFile, '--format', 'json'], { cwd: dir, encoding: 'utf8' });
if (cal.status !== 0 && cal.status !== 1) {
  process.stderr.write(cal.stderr);
  process.exit(2);
}

const prompts = [];
for (const d of readdirSync(path.join(ROOT, 'golden-datasets'))) {
  let text;
  try {
    text = readFileSync(path.join(ROOT, 'golden-datasets', d, 'dataset.jsonl'), 'utf8');
  } catch {
    continue;
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    const msgs = c.input?.messages ?? [{ role: 'user', content: c.prompt ?? '' }];
    prompts.push({ prompt: msgs.filter((m) => m.role === 'user').at(-1)?.content ?? '', system: c.input?.system, task: c.task, category: c.category, turns: msgs.length });
  }
}
const long = prompts.slice(0, 100).map((p) => ({ ...p, prompt: `${p.prompt} `.repeat(Math.ceil(4000 / (p.prompt.length + 1))).slice(0, 4000) }));

/** Median over 5 runs of the mean time per request (ms). */
function perRequest(score, inputs) {
  for (const p of inputs.slice(0, 50)) score(p);
  const runs = [];
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    for (const p of inputs) score(p);
    runs.push((performance.now() - t) / inputs.length);
  }
  return runs.sort((a, b) => a - b)[2];
}

const trained = await loadRouterModel(routerFile);
const shipped = shippedLabeler();
const lens = prompts.map((p) => p.prompt.length).sort((a, b) => a - b);
console.log(`${prompts.length} bundled prompts (median ${lens[lens.length >> 1]} characters); 100 prompts of 4,000 characters`);
console.log(`trained router (${trained.model.classes.length} tiers, ${trained.model.models?.length ?? 1} fold models): ${perRequest((p) => trained.boundaryScores(p), prompts).toFixed(3)} ms per request; 4,000 characters: ${perRequest((p) => trained.boundaryScores(p), long).toFixed(3)} ms`);
console.log(`shipped RouteLLM labeler: ${perRequest((p) => shipped.boundaryScores(p), prompts).toFixed(3)} ms per request; 4,000 characters: ${perRequest((p) => shipped.boundaryScores(p), long).toFixed(3)} ms`);
rmSync(dir, { recursive: true, force: true });
