/**
 * scope-tier: a static tier per scope. The items are split into scopes by
 * their category (else task, src/calibrate/scopes.ts); each scope is served
 * by the cheapest tier that holds the bar on its own items, with its own
 * lower bound, and the union must hold the global bar. A scope that cannot
 * be certified — too few items, say — and items of a scope calibration never
 * saw are served by the frontier. No router, no per-request signal: one call
 * to the scope's tier.
 */
import { directCosts } from '../route.js';
import { MAX_SCOPES, scopedFamily, scopedSearch, scopeIndexOf, scopeKeyOf, scopeValues, staticTierFamily } from '../scopes.js';
import type { PatternSpec } from './types.js';

/** thresholds[scope index] is the tier index serving the scope; the signal is each item's scope index. */
function routeByScopeTier(thresholds: readonly number[], scopeIndex: Float64Array, n: number, k: number): Uint8Array {
  const tiers = new Uint8Array(n);
  for (let i = 0; i < n; i++) tiers[i] = Math.min(k - 1, Math.max(0, thresholds[scopeIndex[i]!] ?? k - 1));
  return tiers;
}

export const scopeTier: PatternSpec = {
  facts: { router: false, scopes: true, thresholds: { min: 0, max: 255, meaning: 'each is the index of the tier a scope is served by (0 = cheapest)' } },
  sequential: false,
  route: routeByScopeTier,
  routedCosts: (m) => directCosts(m),
  prepare({ table, m }) {
    const by = scopeKeyOf(table);
    if (!by) return { skipped: 'the items carry no category (nor task) with at least two values to scope by' };
    const values = scopeValues(table, by);
    if (values.length > MAX_SCOPES) return { skipped: `${values.length} values of ${by} to scope by: more than ${MAX_SCOPES} scopes leave each too small a share of the confidence budget; group them into coarser ones` };
    const { index } = scopeIndexOf(table, by, values);
    const routedCost = directCosts(m);
    const describe = `a static tier per ${by} (${values.length} scopes; thresholds: each scope's tier index, then the frontier for items of no listed scope)`;
    return {
      fam: scopedFamily('scope-tier', routedCost, describe),
      extra: {},
      signal: index,
      search: (input) =>
        scopedSearch({
          pattern: 'scope-tier',
          m,
          routedCost,
          scopeIndex: index,
          values,
          by,
          tiers: table.tiers,
          familyOf: (sub, rc) => staticTierFamily(sub, rc, 'scope-tier'),
          frontierThresholds: [m.k - 1],
          showTier: true,
          input,
        }),
    };
  },
  policySignal(policy, table) {
    const scopes = policy.scopes;
    if (!scopes) return { values: new Float64Array(table.items.length), missing: `the ${policy.pattern} policy lists no scopes` };
    const { index, matched } = scopeIndexOf(table, scopes.by, scopes.entries.map((e) => e.value));
    return matched ? { values: index } : { values: index, missing: `no item's ${scopes.by} matches a scope of the policy (${scopes.entries.map((e) => e.value ?? '(none)').join(', ')}): pass --dataset with the items’ ${scopes.by}` };
  },
};
