#!/usr/bin/env node
// Calibration sweep speed: 1M synthetic items × 3 tiers, each routing pattern's
// full threshold sweep (sort once, prefix sums, O(1) bound per candidate), the
// pick's evaluation and the baselines, timed separately. Also the router's
// training throughput on synthetic prompts (5 fold models, the saved router).
//   node bench/calibrate.mjs [--items 1000000] [--rounds 3] [--train-items 20000]
// Target: each sweep of 1M × 3 in a few seconds. Needs `npm run build` (imports dist/).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('--items', 1_000_000);
const ROUNDS = arg('--rounds', 3);
const TRAIN = arg('--train-items', 20_000);
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const imp = (p) => import(path.join(dist, p));
const { classifierFamily, sequentialFamily, costSteps, sweepFamily } = await imp('calibrate/sweep.js');
const { evaluateRoute, routeTiers, routedCosts } = await imp('calibrate/apply.js');
const { baselinesOf } = await imp('calibrate/baselines.js');
const { oneSidedZ } = await imp('calibrate/bounds.js');
const { trainRouter } = await imp('classify/trained.js');
const { seededRandom } = await imp('stats/random.js');

// Synthetic outcomes: latent difficulty d; tier t passes with probability σ(a_t − 6d);
// router scores, gate scores and confidences are noisy views of d and of the outcome.
const K = 3;
const rand = seededRandom(2024);
const sig = (x) => 1 / (1 + Math.exp(-x));
const pass = new Uint8Array(N * K);
const cost = new Float64Array(N * K);
const scores = new Float64Array(N * (K - 1));
const gate = new Float64Array(N * K);
const conf = new Float64Array(N * K);
const A = [2.2, 3.4, 4.6];
const PRICE = [0.0001, 0.0006, 0.003];
let t0 = performance.now();
for (let i = 0; i < N; i++) {
  const d = rand();
  const len = 0.5 + rand();
  for (let t = 0; t < K; t++) {
    const p = rand() < sig(A[t] - 6 * d) ? 1 : 0;
    pass[i * K + t] = p;
    cost[i * K + t] = PRICE[t] * len;
    gate[i * K + t] = p || rand() < 0.05 ? 1 : 0;
    conf[i * K + t] = Math.min(1, Math.max(0, (p ? 0.75 : 0.45) + 0.25 * (rand() - 0.5)));
  }
  const noisy = d + 0.25 * (rand() - 0.5);
  scores[i * 2] = Math.min(1 - 1e-9, Math.max(1e-9, sig(8 * (noisy - 0.35))));
  scores[i * 2 + 1] = Math.min(scores[i * 2], Math.max(1e-9, sig(8 * (noisy - 0.6))));
}
const m = { n: N, k: K, pass, cost };
let sf = 0;
for (let i = 0; i < N; i++) sf += pass[i * K + K - 1];
const crit = { mode: 'relative', bar: 0.95, z: oneSidedZ(0.95), n: N, sf };
const target = (0.95 * sf) / N;
console.log(`${N.toLocaleString('en-US')} items × ${K} tiers generated in ${Math.round(performance.now() - t0)} ms (frontier pass rate ${(sf / N).toFixed(3)})`);

const tiers = ['cheap', 'mid', 'frontier'];
let frontierCost = 0;
for (let i = 0; i < N; i++) frontierCost += cost[i * K + K - 1];
const patterns = [
  ['classifier', () => classifierFamily(m, scores, costSteps(m), routedCosts(m, 'classifier')), scores],
  ['cascade', () => sequentialFamily(m, gate, 'cascade', routedCosts(m, 'cascade')), gate],
  ['confidence', () => sequentialFamily(m, conf, 'confidence', routedCosts(m, 'confidence')), conf],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, build, signal] of patterns) {
  const times = [];
  let res;
  let evalMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    t0 = performance.now();
    const fam = build();
    res = sweepFamily(m, fam, crit, { target });
    const t1 = performance.now();
    if (res.best) {
      const route = routeTiers(name, res.best.thresholds, signal, N, K);
      evaluateRoute(m, route, fam.routedCost, tiers, { bar: 0.95, barMode: 'relative', confidence: 0.95 });
      baselinesOf(m, tiers, target, undefined);
    }
    evalMs = performance.now() - t1;
    times.push(t1 - t0);
  }
  const pick = res.best ? `pick ${((1 - res.best.costUsd / frontierCost) * 100).toFixed(1)}% cheaper` : 'no pick';
  console.log(
    `${name.padEnd(10)} sweep ${median(times).toFixed(0).padStart(5)} ms median of ${ROUNDS} (${res.candidates.toLocaleString('en-US')} candidates) · pick evaluation + baselines ${evalMs.toFixed(0)} ms · ${pick}`,
  );
}


// Router training throughput (features + 5 fold models) on synthetic prompts.
const words = 'invoice refund login order shipping account billing password warranty ledger audit schema contract integral theorem'.split(' ');
const tr = seededRandom(7);
const samples = Array.from({ length: TRAIN }, () => {
  const w = Array.from({ length: 12 + Math.floor(tr() * 40) }, () => words[Math.floor(tr() * words.length)]);
  const hard = w.filter((x) => x === 'integral' || x === 'theorem' || x === 'audit').length;
  return { input: { prompt: w.join(' ') }, label: Math.min(2, hard > 2 ? 2 : hard > 0 && tr() < 0.6 ? 1 : 0) };
});
t0 = performance.now();
const { model } = trainRouter(samples, tiers);
const ms = performance.now() - t0;
console.log(`router     ${TRAIN.toLocaleString('en-US')} prompts trained (5 fold models) in ${(ms / 1000).toFixed(1)} s = ${Math.round(TRAIN / (ms / 1000)).toLocaleString('en-US')} items/s · OOF AUC ${model.training.oofAuc?.toFixed(3)}`);
