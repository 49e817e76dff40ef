/**
 * classifier: a router trained on the items' prompts (task, category)
 * predicts the cheapest tier that passes; escalate past boundary b while its
 * P(needs a tier above b) ≥ thresholds[b]. Calibration sweeps the router's
 * out-of-fold scores, never in-sample ones; the route pays the router's own
 * cost on every request.
 */
import { boundaryScoresOf, trainRouter, TrainedRouterLabeler, type RouterSample, type TrainedRouter, type TrainOptions } from '../../classify/trained.js';
import type { LabelInput } from '../../classify/types.js';
import { directCosts, routeByScores, routerSignal } from '../route.js';
import type { ItemOutcomes, ResultsTable } from '../results.js';
import { classifierFamily, costSteps, type OutcomeMatrix } from '../sweep.js';
import type { PatternSpec } from './types.js';

/** The cheapest tier that passes, else the top tier ("none passes" folds into the top). */
export function groundTruthTier(m: OutcomeMatrix, i: number): number {
  for (let t = 0; t < m.k; t++) if (m.pass[i * m.k + t]) return t;
  return m.k - 1;
}

function labelInput(item: ItemOutcomes): LabelInput {
  const input: LabelInput = {};
  if (item.prompt !== undefined) input.prompt = item.prompt;
  if (item.system !== undefined) input.system = item.system;
  if (item.turns !== undefined) input.turns = item.turns;
  if (item.task !== undefined) input.task = item.task;
  if (item.category !== undefined) input.category = item.category;
  return input;
}

export const hasFeatures = (i: ItemOutcomes): boolean => i.prompt !== undefined || i.task !== undefined || i.category !== undefined;

/** Routers trained per table and options: classifier and scope-classifier share one training (the same out-of-fold scores). */
const trainedByTable = new WeakMap<ResultsTable, Map<string, TrainedRouter>>();

/** The router trained on a table's items (k fold models, out-of-fold scores), once per table and options. */
export function routerFor(table: ResultsTable, m: OutcomeMatrix, train: TrainOptions | undefined, onProgress?: (message: string) => void): TrainedRouter {
  const key = JSON.stringify({ tiers: table.tiers, train: train ?? {} }, (k, v: unknown) => (k === 'onProgress' ? undefined : v));
  let byKey = trainedByTable.get(table);
  if (!byKey) trainedByTable.set(table, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const samples: RouterSample[] = table.items.map((item, i) => ({ input: labelInput(item), label: groundTruthTier(m, i) }));
  const trained = trainRouter(samples, table.tiers, { ...train, ...(onProgress ? { onProgress } : {}) });
  byKey.set(key, trained);
  return trained;
}

/** The out-of-fold boundary scores (n × (k−1)) of a trained router. */
export function oofBoundaryScores(trained: TrainedRouter, n: number, k: number): Float64Array {
  const B = k - 1;
  const scores = new Float64Array(n * B);
  for (let i = 0; i < n; i++) scores.set(boundaryScoresOf(trained.oof.subarray(i * k, i * k + k)), i * B);
  return scores;
}

export const classifier: PatternSpec = {
  facts: { router: true, scopes: false, thresholds: { min: 0, max: 1, meaning: 'router probabilities lie in [0, 1]' } },
  sequential: false,
  runsRouter: true,
  route: routeByScores,
  routedCosts: directCosts,
  prepare({ table, m, train, onProgress, routerCostUsd }) {
    if (!table.items.some(hasFeatures)) return { skipped: 'no prompts (nor task/category) to train the router on: pass --dataset (or --prompt-column for a CSV)' };
    const trained = routerFor(table, m, train, onProgress);
    const scores = oofBoundaryScores(trained, m.n, m.k);
    const t = trained.model.training;
    return {
      fam: classifierFamily(m, scores, costSteps(m), directCosts(m, routerCostUsd)),
      extra: { router: { oofAuc: t.oofAuc, oofLogLoss: t.oofLogLoss, folds: t.folds, items: t.items } },
      signal: scores,
      router: trained.model,
    };
  },
  policySignal(policy, table) {
    if (!policy.router) return { values: new Float64Array(0), missing: 'the classifier policy has no router model to score items with' };
    const values = routerSignal(new TrainedRouterLabeler(policy.router), table);
    return table.items.some(hasFeatures) ? { values } : { values, missing: 'the results carry no prompts (nor task/category) for the router to score: pass --dataset with the items’ prompts' };
  },
};
