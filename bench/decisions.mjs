#!/usr/bin/env node
/**
 * npm run bench:decisions — do tokor's decisions hold on items they were not tuned on?
 *
 * For each public per-item data set we may use (../shared/datasets: routellm_gsm8k, routellm_mmlu,
 * routerdc_7model_scores, and a three-tier GSM8K ladder joined from both), and for each seed:
 *   1. split the items 60/40 (seeded);
 *   2. `tokor calibrate` on the 60% (the built CLI, as users run it) → the claim and a policy file;
 *   3. `tokor calibrate --apply policy.json` on the 40% → held-out savings and parity;
 *   4. on the same held-out items: the oracle at the bar, random routing at the pick's held-out tier
 *      shares, and the ROC AUC of the default labeler's score against "the cheapest tier fails".
 * Prints one row per set (means over seeds, and the worst seed), and writes every run to
 * bench/out/decisions/results.json. Usage: node bench/decisions.mjs [--seeds 5] [--sets a,b] [--bar 0.95]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared/datasets');
const OUT = path.join(ROOT, 'bench/out/decisions');
const BIN = path.join(ROOT, 'bin/tokor.js');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const SEEDS = Number(flag('seeds', '5'));
const BAR = Number(flag('bar', '0.95'));
const TRAIN_SHARE = 0.6;

if (!existsSync(SHARED)) {
  process.stderr.write(`bench:decisions needs the public per-item model results in ${SHARED} (the ../shared folder beside the checkout); it is not there.\n`);
  process.exit(2);
}
if (!existsSync(path.join(ROOT, 'dist/index.js'))) {
  process.stderr.write('bench:decisions runs the built CLI: run `npm run build` first.\n');
  process.exit(2);
}
const api = await import(path.join(ROOT, 'dist/index.js'));
const { seededRandom } = await import(path.join(ROOT, 'dist/stats/random.js'));
const { rocAuc } = await import(path.join(ROOT, 'dist/classify/trained.js'));

// ---------------------------------------------------------------- data sets
const ds = (p) => path.join(SHARED, p);
const truthy = (v) => /^(true|1|yes)$/i.test(String(v).trim());

/** RouteLLM's per-call prices ($ per 1M tokens, blended), used as flat per-call costs as RouteLLM does. */
const ROUTELLM_COST = { cheap: 0.24, frontier: 24.7 };

function routellmGsm8k() {
  const rows = parse(readFileSync(ds('routellm_gsm8k/gsm8k_responses.csv')), { columns: true });
  const contaminated = new Set(
    readFileSync(ds('routellm_gsm8k/contaminated_prompts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).eval_prompt),
  );
  const items = rows
    .map((r, i) => ({ id: `q${i}`, prompt: r.prompt, pass: { cheap: truthy(r['mistralai/Mixtral-8x7B-Instruct-v0.1']), frontier: truthy(r['gpt-4-1106-preview']) } }))
    .filter((it) => !contaminated.has(it.prompt));
  return { name: 'routellm-gsm8k', ladder: 'Mixtral-8x7B → GPT-4', costs: ROUTELLM_COST, items };
}

function routellmMmlu() {
  const rows = parse(readFileSync(ds('routellm_mmlu/mmlu_responses_all_subjects.csv')), { columns: true });
  const contaminated = new Set(
    readFileSync(ds('routellm_mmlu/contaminated_prompts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).eval_prompt),
  );
  const items = rows
    .map((r, i) => ({ id: `q${i}`, prompt: r.prompt, category: r.subject, pass: { cheap: truthy(r.mixtral_8x7b_instruct_correct), frontier: truthy(r.gpt_4_1106_preview_correct) } }))
    .filter((it) => !contaminated.has(it.prompt));
  return { name: 'routellm-mmlu', ladder: 'Mixtral-8x7B → GPT-4', costs: ROUTELLM_COST, items };
}

/**
 * Three real tiers on GSM8K: Mistral-7B (RouterDC's per-question score, pass at ≥ 0.5 of its samples)
 * → Mixtral-8x7B → GPT-4 (RouteLLM), joined by question text. The 7B's per-call cost is a third of
 * Mixtral's, the ratio of their Bedrock list prices ($0.15 vs $0.45 per 1M input tokens).
 */
function gsm8kThreeTier() {
  const rl = parse(readFileSync(ds('routellm_gsm8k/gsm8k_responses.csv')), { columns: true });
  const dc = JSON.parse(readFileSync(ds('routerdc_7model_scores/gsm8k-test.json'), 'utf8'));
  const byQ = new Map(dc.map((r) => [r.question.trim(), r.scores['mistralai/Mistral-7B-v0.1']]));
  const items = [];
  rl.forEach((r, i) => {
    const s = byQ.get(r.prompt.trim());
    if (s === undefined) return;
    items.push({ id: `q${i}`, prompt: r.prompt, pass: { cheap: s >= 0.5, mid: truthy(r['mistralai/Mixtral-8x7B-Instruct-v0.1']), frontier: truthy(r['gpt-4-1106-preview']) } });
  });
  return { name: 'gsm8k-3tier', ladder: 'Mistral-7B → Mixtral-8x7B → GPT-4', costs: { cheap: 0.08, mid: 0.24, frontier: 24.7 }, items };
}

/**
 * RouterDC's seven ~7B models share one price class, so no real price ladder exists: the weakest,
 * a middle and the strongest model (by mean pass rate on the set) get the price ratio of tokor's
 * default Bedrock ladder (blended $/M of Nova Lite, Claude Haiku 4.5, Claude Sonnet 4.5 on the sample).
 */
function routerdc(file, name) {
  const rows = JSON.parse(readFileSync(ds(`routerdc_7model_scores/${file}`), 'utf8'));
  const models = Object.keys(rows[0].scores);
  const rate = (m) => rows.reduce((s, r) => s + (r.scores[m] >= 0.5 ? 1 : 0), 0) / rows.length;
  const ranked = [...models].sort((a, b) => rate(a) - rate(b) || a.localeCompare(b));
  const pick = { cheap: ranked[0], mid: ranked[Math.floor(ranked.length / 2)], frontier: ranked[ranked.length - 1] };
  const items = rows.map((r, i) => ({ id: `q${i}`, prompt: r.question, pass: Object.fromEntries(Object.entries(pick).map(([t, m]) => [t, r.scores[m] >= 0.5])) }));
  const short = (m) => m.split('/').pop();
  return { name, ladder: `${short(pick.cheap)} → ${short(pick.mid)} → ${short(pick.frontier)}`, costs: { cheap: 0.136, mid: 2.832, frontier: 8.497 }, items };
}

const SETS = {
  'routellm-gsm8k': routellmGsm8k,
  'routellm-mmlu': routellmMmlu,
  'gsm8k-3tier': gsm8kThreeTier,
  'routerdc-gsm8k': () => routerdc('gsm8k-test.json', 'routerdc-gsm8k'),
  'routerdc-mmlu': () => routerdc('mmlu_test.json', 'routerdc-mmlu'),
  'routerdc-arc': () => routerdc('arc_challenge_test.json', 'routerdc-arc'),
};
const wanted = flag('sets') ? flag('sets').split(',') : Object.keys(SETS);

// ---------------------------------------------------------------- helpers
function split(items, seed) {
  const r = seededRandom(seed * 7919 + 17);
  const order = items.map((it) => [r(), it]).sort((a, b) => a[0] - b[0]).map(([, it]) => it);
  const k = Math.round(order.length * TRAIN_SHARE);
  return { train: order.slice(0, k), test: order.slice(k) };
}
const cell = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
function writeCsv(file, set, items) {
  const tiers = Object.keys(set.costs);
  const head = ['id', 'prompt', 'category', ...tiers];
  const lines = [head.join(',')];
  for (const it of items) lines.push([it.id, it.prompt, it.category ?? '', ...tiers.map((t) => (it.pass[t] ? 'True' : 'False'))].map(cell).join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
}
function csvArgs(set, file) {
  const tiers = Object.keys(set.costs);
  return [
    '--results-csv', file, '--prompt-column', 'prompt', '--id-column', 'id',
    ...(set.items.some((i) => i.category) ? ['--category-column', 'category'] : []),
    ...tiers.flatMap((t) => ['--tier-column', `${t}=${t}`]),
    '--tier-cost', tiers.map((t) => `${t}=${set.costs[t]}`).join(','),
  ];
}
function tokor(argv) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`tokor ${argv.slice(0, 3).join(' ')} … exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  return { code: r.status, json: JSON.parse(r.stdout) };
}

/** Mean cost and pass rate of each tier over the items. */
function tierStats(set, items) {
  const out = {};
  for (const t of Object.keys(set.costs)) out[t] = { pass: items.filter((i) => i.pass[t]).length / items.length, cost: set.costs[t] };
  return out;
}
/** Perfect routing held to the same point target: cheapest passing tier, then give up the passes that save most. */
function oracleSavings(set, items, bar) {
  const tiers = Object.keys(set.costs);
  const top = tiers[tiers.length - 1];
  const qF = items.filter((i) => i.pass[top]).length / items.length;
  const frontierCost = set.costs[top] * items.length;
  let cost = 0;
  let passes = 0;
  const giveUps = [];
  for (const it of items) {
    const t = tiers.find((x) => it.pass[x]);
    if (t === undefined) {
      cost += set.costs[tiers[0]];
      continue;
    }
    cost += set.costs[t];
    passes++;
    if (t !== tiers[0]) giveUps.push(set.costs[t] - set.costs[tiers[0]]);
  }
  giveUps.sort((a, b) => b - a);
  const target = bar * qF * items.length;
  for (const g of giveUps) {
    if (passes - 1 < target - 1e-9) break;
    passes--;
    cost -= g;
  }
  return 100 * (1 - cost / frontierCost);
}
function randomAtShares(set, items, shares) {
  const st = tierStats(set, items);
  const tiers = Object.keys(set.costs);
  const top = tiers[tiers.length - 1];
  let q = 0;
  let c = 0;
  for (const t of tiers) {
    q += (shares[t] ?? 0) * st[t].pass;
    c += (shares[t] ?? 0) * st[t].cost;
  }
  return { savingsPct: 100 * (1 - c / st[top].cost), parity: q / st[top].pass };
}
function labelerAuc(items) {
  const scores = items.map((it) => api.heuristicLabeler.label({ prompt: it.prompt }).score);
  const cheapFails = items.map((it) => (it.pass[Object.keys(it.pass)[0]] ? 0 : 1));
  return rocAuc(scores, cheapFails);
}

// ---------------------------------------------------------------- run
mkdirSync(OUT, { recursive: true });
const runs = [];
const rows = [];
for (const name of wanted) {
  const make = SETS[name];
  if (!make) throw new Error(`unknown set ${name}; known: ${Object.keys(SETS).join(', ')}`);
  const set = make();
  const per = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const dir = path.join(OUT, name, String(seed));
    mkdirSync(dir, { recursive: true });
    const { train, test } = split(set.items, seed);
    writeCsv(path.join(dir, 'train.csv'), set, train);
    writeCsv(path.join(dir, 'test.csv'), set, test);
    const policy = path.join(dir, 'policy.json');
    const cal = tokor(['calibrate', ...csvArgs(set, path.join(dir, 'train.csv')), '--bar', String(BAR), '--seed', String(seed), '--out', policy, '--format', 'json']).json;
    const run = { set: name, seed, train: train.length, test: test.length, claim: cal.pick ? cal.pick.savingsPct : null, pattern: cal.pick?.pattern ?? null };
    // calibrate's own held-out result (it holds ~30% of the train split out by default).
    if (cal.holdout) run.ownHoldout = { items: cal.holdout.items, savingsPct: cal.holdout.savingsPct, parity: cal.holdout.parity, meetsBar: cal.holdout.meetsBar };
    run.oracle = oracleSavings(set, test, BAR);
    run.auc = labelerAuc(test);
    if (cal.pick) {
      const ap = tokor(['calibrate', '--apply', policy, ...csvArgs(set, path.join(dir, 'test.csv')), '--format', 'json']).json;
      run.heldOut = { savingsPct: ap.savingsPct, parity: ap.parity, parityLower: ap.parityLower, meetsBar: ap.meetsBar, tierShares: ap.tierShares };
      run.random = randomAtShares(set, test, ap.tierShares);
      run.capture = run.oracle > 0 ? (100 * ap.savingsPct) / run.oracle : null;
    }
    runs.push(run);
    per.push(run);
    process.stderr.write(`${name} seed ${seed}: claim ${fmt(run.claim)} held-out ${fmt(run.heldOut?.savingsPct)} parity ${fmt(run.heldOut ? 100 * run.heldOut.parity : null)}\n`);
  }
  const picked = per.filter((r) => r.heldOut);
  const mean = (f) => (picked.length ? picked.reduce((s, r) => s + f(r), 0) / picked.length : null);
  const gaps = picked.map((r) => r.claim - r.heldOut.savingsPct);
  rows.push({
    set: name,
    ladder: set.ladder,
    items: set.items.length,
    picks: `${picked.length}/${per.length}`,
    claim: mean((r) => r.claim),
    heldOut: mean((r) => r.heldOut.savingsPct),
    parity: mean((r) => 100 * r.heldOut.parity),
    minParity: picked.length ? Math.min(...picked.map((r) => 100 * r.heldOut.parity)) : null,
    gap: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : null,
    absGap: gaps.length ? gaps.reduce((a, b) => a + Math.abs(b), 0) / gaps.length : null,
    maxGap: gaps.length ? Math.max(...gaps.map(Math.abs)) : null,
    breaks: picked.filter((r) => r.heldOut.parity < BAR - 1e-12).length,
    oracle: per.reduce((s, r) => s + r.oracle, 0) / per.length,
    capture: mean((r) => r.capture ?? 0),
    randomSavings: mean((r) => r.random.savingsPct),
    randomParity: mean((r) => 100 * r.random.parity),
    auc: per.reduce((s, r) => s + r.auc, 0) / per.length,
  });
}
writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify({ bar: BAR, seeds: SEEDS, trainShare: TRAIN_SHARE, rows, runs }, null, 2)}\n`);

function fmt(x, d = 1) {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d);
}
const head = ['set', 'items', 'picks', 'claim %', 'held-out %', 'gap', '|gap|', 'max |gap|', 'parity %', 'min parity', 'breaks', 'oracle %', 'capture %', 'random % (parity)', 'labeler AUC'];
const table = rows.map((r) => [r.set, String(r.items), r.picks, fmt(r.claim), fmt(r.heldOut), fmt(r.gap), fmt(r.absGap), fmt(r.maxGap), fmt(r.parity), fmt(r.minParity), String(r.breaks), fmt(r.oracle), fmt(r.capture, 0), `${fmt(r.randomSavings)} (${fmt(r.randomParity)})`, fmt(r.auc, 3)]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`bench:decisions — calibrate on ${TRAIN_SHARE * 100}% of items, apply the saved policy to the other ${100 - TRAIN_SHARE * 100}%; bar ${BAR} parity; means over ${SEEDS} seeds`);
console.log(line(head));
for (const row of table) console.log(line(row));
const all = runs.filter((r) => r.heldOut);
const mean = (f) => all.reduce((s, r) => s + f(r), 0) / all.length;
console.log(`all sets: ${all.length} held-out runs, mean gap ${fmt(mean((r) => r.claim - r.heldOut.savingsPct))} pts, mean |gap| ${fmt(mean((r) => Math.abs(r.claim - r.heldOut.savingsPct)))} pts, bar broken by the held-out point estimate in ${all.filter((r) => r.heldOut.parity < BAR - 1e-12).length}`);
const own = runs.filter((r) => r.ownHoldout);
if (own.length) console.log(`calibrate's own held-out part (about 30% of each train split): ${own.length} runs, mean |claim − own held-out| ${fmt(own.reduce((s, r) => s + Math.abs(r.claim - r.ownHoldout.savingsPct), 0) / own.length)} pts, bar broken by its point estimate in ${own.filter((r) => !r.ownHoldout.meetsBar).length}`);
console.log(`gap = claim − held-out savings (points); breaks = held-out runs whose parity point estimate fell below the bar; parity = held-out routed quality ÷ frontier quality; random = random routing at the pick's held-out tier shares; labeler AUC = default labeler's score vs "cheapest tier fails" on held-out items.`);
console.log(`every run: ${path.relative(ROOT, path.join(OUT, 'results.json'))}`);
