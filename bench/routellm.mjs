#!/usr/bin/env node
/**
 * node bench/routellm.mjs — the RouteLLM GSM8K and MMLU tables of docs/calibrate.md, from one command.
 *
 * Runs the built CLI (`tokor calibrate --results-csv …`) on the public per-item results in
 * ../shared/datasets (routellm_gsm8k, routellm_mmlu: Mixtral-8x7B vs GPT-4-1106, RouteLLM's per-call
 * prices), every item calibrated (--holdout 0) for the full-data table, then with calibrate's default
 * held-out share (--holdout 0.3, seed 1) for the held-out check, and prints both tables as Markdown.
 * Usage: npm run build && node bench/routellm.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared/datasets');
const BIN = path.join(ROOT, 'bin/tokor.js');

if (!existsSync(SHARED)) {
  process.stderr.write(`bench/routellm.mjs needs the public per-item results in ${SHARED} (the ../shared folder beside the checkout).\n`);
  process.exit(2);
}
if (!existsSync(path.join(ROOT, 'dist/index.js'))) {
  process.stderr.write('bench/routellm.mjs runs the built CLI: run `npm run build` first.\n');
  process.exit(2);
}

const COST = ['--tier-cost', 'cheap=0.24,frontier=24.7'];
const GSM8K = ['--results-csv', path.join(SHARED, 'routellm_gsm8k/gsm8k_responses.csv'), '--prompt-column', 'prompt', '--tier-column', 'cheap=mistralai/Mixtral-8x7B-Instruct-v0.1', '--tier-column', 'frontier=gpt-4-1106-preview', ...COST];
const DECONTAMINATED = ['--exclude-prompts', path.join(SHARED, 'routellm_gsm8k/contaminated_prompts.jsonl')];
const MMLU = ['--results-csv', path.join(SHARED, 'routellm_mmlu/mmlu_responses_all_subjects.csv'), '--prompt-column', 'prompt', '--tier-column', 'cheap=mixtral_8x7b_instruct_correct', '--tier-column', 'frontier=gpt_4_1106_preview_correct', ...COST];
const SUBJECT = ['--category-column', 'subject'];

const RUNS = [
  { name: 'GSM8K', args: GSM8K },
  { name: 'GSM8K, decontaminated', args: [...GSM8K, ...DECONTAMINATED] },
  { name: 'MMLU, prompt + subject', args: [...MMLU, ...SUBJECT] },
  { name: 'MMLU, prompt only', args: MMLU },
];

function calibrate(args) {
  const r = spawnSync(process.execPath, [BIN, 'calibrate', ...args, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`tokor calibrate exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const f1 = (x) => (x === null || x === undefined ? '—' : x.toFixed(1));
const pctOf = (x) => (x === null || x === undefined ? '—' : (x * 100).toFixed(1));
const int = (n) => n.toLocaleString('en-US');

const full = [];
const held = [];
for (const run of RUNS) {
  const j = calibrate([...run.args, '--holdout', '0']);
  const p = j.pick;
  const cls = j.patterns.find((x) => x.pattern === 'classifier');
  const frontierShare = p ? p.tierShares.frontier : null;
  full.push(
    `| ${run.name} (${int(j.n)}) | ${p ? `**${f1(p.savingsPct)}% cheaper** (${p.pattern})` : 'no pick'} | ${p ? `${pctOf(p.parity)}% (${pctOf(p.parityCi95[0])}–${pctOf(p.parityCi95[1])}), ≥ ${pctOf(p.parityLower)}%` : '—'} | ${pctOf(frontierShare)}% | ${f1(cls?.bestPoint?.savingsPct)}% | ${f1(j.baselines.oracle?.savingsPct)}% | ${p ? `${pctOf(j.randomAtShares?.quality)}% vs ${pctOf(p.quality)}%` : '—'} | ${p?.apgr?.toFixed(3) ?? '—'} | ${cls?.router?.oofAuc?.toFixed(3) ?? '—'} |`,
  );
  process.stderr.write(`${run.name}: ${p ? f1(p.savingsPct) : 'no pick'}\n`);
  if (run.name === 'GSM8K' || run.name === 'MMLU, prompt + subject') {
    const h = calibrate([...run.args, '--holdout', '0.3', '--seed', '1']);
    const o = h.holdout;
    held.push(
      `| ${run.name} | ${h.pick ? `${f1(h.pick.savingsPct)}% on ${int(h.pick.n)} items` : 'no pick'} | ${o ? `${int(o.items)}` : '—'} | ${o ? `**${f1(o.savingsPct)}% cheaper at ${pctOf(o.parity)}% parity**, lower bound ${pctOf(o.parityLower95)}%, ${o.meetsBar ? 'meets the bar' : 'breaks the bar'}` : '—'} |`,
    );
  }
}

process.stdout.write(
  [
    '| data (n) | tokor certified pick | parity (95% CI), lower bound | frontier share | point estimate at 95% parity | oracle at 95% parity | random at same shares: quality vs pick | APGR | router OOF AUC |',
    '|---|---|---|---|---|---|---|---|---|',
    ...full,
    '',
    '| data | calibrated on | held-out items | held-out result |',
    '|---|---|---|---|',
    ...held,
    '',
  ].join('\n'),
);
