#!/usr/bin/env node
/**
 * npm run bench:labeler — how well does a difficulty labeler's score rank "the cheapest tier fails"?
 *
 * Candidates: the heuristic labeler, and a router trained only on data whose licence allows shipping
 * (RouteLLM GSM8K + MMLU, Apache-2.0: prompt → "Mixtral-8x7B fails"). The trained candidate is k fold
 * models chosen by a hash of the prompt, so every prompt it was trained on is scored by the fold model
 * that never saw it: its AUC on RouteLLM items, and on RouterDC's GSM8K/MMLU items (the same questions,
 * each scored as its RouteLLM twin so the hash picks the same fold model), is out of sample. RouterDC's per-item scores have no licence: used here to evaluate only.
 * MATH-500 has no per-item model outcomes: its row uses the human difficulty level ≥ 4 as a proxy.
 *
 * Usage: node bench/labeler.mjs [--write FILE] [--hash-bits 12] [--l2 0.003]
 *   --write FILE  also writes the trained candidate (the shippable model) as JSON.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared/datasets');
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
if (!existsSync(SHARED)) {
  process.stderr.write(`bench:labeler needs the public per-item model results in ${SHARED}; it is not there.\n`);
  process.exit(2);
}
const { heuristicLabeler } = await import(path.join(ROOT, 'dist/index.js'));
const { rocAuc, trainRouter } = await import(path.join(ROOT, 'dist/classify/trained.js'));
const { routerFromJson } = await import(path.join(ROOT, 'dist/artifacts/routerLabeler.js'));
const { DEFAULT_FEATURE_SPEC } = await import(path.join(ROOT, 'dist/classify/features.js'));

const ds = (p) => path.join(SHARED, p);
const truthy = (v) => /^(true|1|yes)$/i.test(String(v).trim());
const jsonl = (f) => readFileSync(ds(f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function routellm(file, cheapCol, contaminatedFile) {
  const bad = new Set(jsonl(contaminatedFile).map((r) => r.eval_prompt));
  return parse(readFileSync(ds(file)), { columns: true })
    .filter((r) => !bad.has(r.prompt))
    .map((r) => ({ prompt: r.prompt, hard: truthy(r[cheapCol]) ? 0 : 1 }));
}
/** RouterDC: the weakest of the seven models by mean pass rate is the cheap tier (as bench:decisions). */
function routerdc(file) {
  const rows = JSON.parse(readFileSync(ds(`routerdc_7model_scores/${file}`), 'utf8'));
  const models = Object.keys(rows[0].scores);
  const rate = (m) => rows.reduce((s, r) => s + (r.scores[m] >= 0.5 ? 1 : 0), 0) / rows.length;
  const weakest = [...models].sort((a, b) => rate(a) - rate(b) || a.localeCompare(b))[0];
  return rows.map((r) => ({ prompt: r.question, hard: r.scores[weakest] >= 0.5 ? 0 : 1 }));
}
function gsm8kMistral7b() {
  const rows = JSON.parse(readFileSync(ds('routerdc_7model_scores/gsm8k-test.json'), 'utf8'));
  return rows.map((r) => ({ prompt: r.question, hard: r.scores['mistralai/Mistral-7B-v0.1'] >= 0.5 ? 0 : 1 }));
}

/** RouterDC's GSM8K and MMLU questions are RouteLLM's (MMLU's without the trailing "Answer:"). */
const joinKey = (s) => s.replace(/\nAnswer:\s*$/, '').trim();
const routellmPrompt = new Map(
  ['routellm_gsm8k/gsm8k_responses.csv', 'routellm_mmlu/mmlu_responses_all_subjects.csv'].flatMap((f) => parse(readFileSync(ds(f)), { columns: true }).map((r) => [joinKey(r.prompt), r.prompt])),
);
const withTwin = (items) => items.map((it) => ({ ...it, twin: routellmPrompt.get(joinKey(it.prompt)) }));

const gsm = routellm('routellm_gsm8k/gsm8k_responses.csv', 'mistralai/Mixtral-8x7B-Instruct-v0.1', 'routellm_gsm8k/contaminated_prompts.jsonl');
const mmlu = routellm('routellm_mmlu/mmlu_responses_all_subjects.csv', 'mixtral_8x7b_instruct_correct', 'routellm_mmlu/contaminated_prompts.jsonl');
const SETS = [
  { name: 'routellm-gsm8k', what: 'Mixtral-8x7B fails', licence: 'Apache-2.0', items: gsm },
  { name: 'routellm-mmlu', what: 'Mixtral-8x7B fails', licence: 'Apache-2.0', items: mmlu },
  { name: 'gsm8k-3tier', what: 'Mistral-7B fails', licence: 'none (eval only)', items: withTwin(gsm8kMistral7b()) },
  { name: 'routerdc-gsm8k', what: 'weakest 7B fails', licence: 'none (eval only)', items: withTwin(routerdc('gsm8k-test.json')) },
  { name: 'routerdc-mmlu', what: 'weakest 7B fails', licence: 'none (eval only)', items: withTwin(routerdc('mmlu_test.json')) },
  { name: 'routerdc-arc', what: 'weakest 7B fails', licence: 'none (eval only)', items: routerdc('arc_challenge_test.json') },
  { name: 'math500', what: 'level ≥ 4 (proxy)', licence: 'MIT', items: jsonl('math500/test.jsonl').map((r) => ({ prompt: r.problem, hard: r.level >= 4 ? 1 : 0 })) },
];

// The shippable candidate: trained on the Apache-2.0 RouteLLM items only, prompt text only.
const spec = { ...DEFAULT_FEATURE_SPEC, hashBits: Number(flag('hash-bits', '12')) };
const l2 = Number(flag('l2', '0.003'));
const train = [...gsm, ...mmlu].map((it) => ({ input: { prompt: it.prompt }, label: it.hard }));
const t0 = Date.now();
const { model } = trainRouter(train, ['cheap', 'frontier'], { features: spec, l2, seed: 1 });
process.stderr.write(`trained on ${train.length} RouteLLM items in ${((Date.now() - t0) / 1000).toFixed(1)} s (hashBits ${spec.hashBits}, l2 ${l2}, iterations ${model.training.iterations.join('/')}, converged ${model.training.converged})\n`);
const trained = routerFromJson(JSON.parse(JSON.stringify(model)));

/** Hanley & McNeil (1982) standard error of an AUC. */
function aucSe(auc, pos, neg) {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  return Math.sqrt((auc * (1 - auc) + (pos - 1) * (q1 - auc * auc) + (neg - 1) * (q2 - auc * auc)) / (pos * neg));
}
const fmtAuc = (a, pos, neg) => {
  const se = aucSe(a, pos, neg);
  return `${a.toFixed(3)} ± ${(1.96 * se).toFixed(3)}`;
};
const rows = [];
for (const set of SETS) {
  const y = set.items.map((i) => i.hard);
  const pos = y.filter(Boolean).length;
  const neg = y.length - pos;
  const h = rocAuc(set.items.map((i) => heuristicLabeler.label({ prompt: i.prompt }).score), y);
  // A question RouteLLM also has is scored as its RouteLLM twin: by the fold model that never saw it.
  const t = rocAuc(set.items.map((i) => trained.label({ prompt: i.twin ?? i.prompt }).score), y);
  rows.push({ set: set.name, outcome: set.what, items: set.items.length, hardShare: pos / y.length, heuristic: h, trained: t, cells: [set.name, set.what, String(set.items.length), `${((100 * pos) / y.length).toFixed(0)}%`, fmtAuc(h, pos, neg), fmtAuc(t, pos, neg)] });
}
const head = ['set', 'positive = ', 'items', 'positive', 'heuristic AUC (95% CI)', 'trained AUC (95% CI)'];
const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r.cells[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r.cells));
console.log('trained = RouteLLM GSM8K + MMLU (Apache-2.0) router, each prompt scored by the fold model that never saw it; ± = 1.96 × Hanley–McNeil SE');
const out = flag('write');
if (out) {
  writeFileSync(out, `${JSON.stringify(model)}\n`);
  process.stderr.write(`wrote ${out} (${(readFileSync(out).length / 1024).toFixed(0)} KiB)\n`);
}
