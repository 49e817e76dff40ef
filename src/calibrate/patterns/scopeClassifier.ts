/**
 * scope-classifier: the classifier's router, with thresholds of its own in
 * each scope (category, else task; src/calibrate/scopes.ts). Each scope's
 * thresholds are swept over the router's out-of-fold scores on the scope's
 * items and certified with the scope's own lower bound; the union must hold
 * the global bar. A scope that cannot be certified, and items of a scope
 * calibration never saw, escalate to the frontier (thresholds 0). The route
 * pays the router's cost on every request, as the classifier does.
 */
import { directCosts } from '../route.js';
import { MAX_SCOPES, scopedFamily, scopedSearch, scopeIndexOf, scopeKeyOf, scopeValues } from '../scopes.js';
import { classifierFamily, costSteps } from '../sweep.js';
import { classifier, hasFeatures, oofBoundaryScores, routerFor } from './classifier.js';
import type { PatternSpec } from './types.js';

/**
 * The signal is n × k: an item's k − 1 boundary scores, then its scope index j;
 * thresholds hold k − 1 per scope, scope j's at j·(k − 1).
 */
function routeByScopeScores(thresholds: readonly number[], signal: Float64Array, n: number, k: number): Uint8Array {
  const tiers = new Uint8Array(n);
  const B = k - 1;
  for (let i = 0; i < n; i++) {
    const j = signal[i * k + B]!;
    let t = 0;
    // Scores are kept inside (0, 1), as the sweep keeps them; a missing slot escalates (threshold 0).
    while (t < B && Math.min(1 - 1e-9, Math.max(1e-9, signal[i * k + t]!)) >= (thresholds[j * B + t] ?? 0)) t++;
    tiers[i] = t;
  }
  return tiers;
}

/** Boundary scores (n × (k−1)) and scope indexes (n) as one signal (n × k). */
function joinSignal(scores: Float64Array, index: Float64Array, n: number, k: number): Float64Array {
  const B = k - 1;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    out.set(scores.subarray(i * B, i * B + B), i * k);
    out[i * k + B] = index[i]!;
  }
  return out;
}

export const scopeClassifier: PatternSpec = {
  facts: { router: true, scopes: true, thresholds: { min: 0, max: 1, meaning: 'router probabilities lie in [0, 1]' } },
  sequential: false,
  runsRouter: true,
  route: routeByScopeScores,
  routedCosts: directCosts,
  prepare({ table, m, train, onProgress, routerCostUsd }) {
    const by = scopeKeyOf(table);
    if (!by) return { skipped: 'the items carry no category (nor task) with at least two values to scope by' };
    if (!table.items.some(hasFeatures)) return { skipped: 'no prompts (nor task/category) to train the router on: pass --dataset (or --prompt-column for a CSV)' };
    const values = scopeValues(table, by);
    if (values.length > MAX_SCOPES) return { skipped: `${values.length} values of ${by} to scope by: more than ${MAX_SCOPES} scopes leave each too small a share of the confidence budget; group them into coarser ones` };
    const { index } = scopeIndexOf(table, by, values);
    const trained = routerFor(table, m, train, onProgress);
    const scores = oofBoundaryScores(trained, m.n, m.k);
    const routedCost = directCosts(m, routerCostUsd);
    const steps = costSteps(m);
    const B = m.k - 1;
    const t = trained.model.training;
    return {
      fam: scopedFamily('scope-classifier', routedCost, `router score thresholds per ${by} (${values.length} scopes × ${B} boundaries, then 0s for items of no listed scope: escalate while P(needs a higher tier) ≥ threshold)`),
      extra: { router: { oofAuc: t.oofAuc, oofLogLoss: t.oofLogLoss, folds: t.folds, items: t.items } },
      signal: joinSignal(scores, index, m.n, m.k),
      router: trained.model,
      search: (input) =>
        scopedSearch({
          pattern: 'scope-classifier',
          m,
          routedCost,
          scopeIndex: index,
          values,
          by,
          tiers: table.tiers,
          familyOf: (sub, rc, members) => {
            const s = new Float64Array(members.length * B);
            members.forEach((i, row) => {
              s.set(scores.subarray(i * B, i * B + B), row * B);
            });
            return { ...classifierFamily(sub, s, steps, rc), pattern: 'scope-classifier' };
          },
          frontierThresholds: new Array<number>(B).fill(0),
          showTier: false,
          input,
        }),
    };
  },
  policySignal(policy, table, tiers) {
    const scores = classifier.policySignal(policy, table, tiers);
    const scopes = policy.scopes;
    const k = tiers.length;
    if (!scopes) return { values: new Float64Array(table.items.length * k), missing: `the ${policy.pattern} policy lists no scopes` };
    const { index, matched } = scopeIndexOf(table, scopes.by, scopes.entries.map((e) => e.value));
    const values = joinSignal(scores.values.length ? scores.values : new Float64Array(table.items.length * (k - 1)), index, table.items.length, k);
    if (scores.missing) return { values, missing: scores.missing };
    return matched ? { values } : { values, missing: `no item's ${scopes.by} matches a scope of the policy (${scopes.entries.map((e) => e.value ?? '(none)').join(', ')}): pass --dataset with the items’ ${scopes.by}` };
  },
};
