/**
 * confidence: answer with the cheapest tier; escalate from tier b while the
 * confidence its result reports (the results field `confidenceField`) is
 * below thresholds[b]. Every tier tried is paid for.
 */
import { confidenceSignal, cumulativeCosts, routeSequential } from '../route.js';
import { sequentialFamily } from '../sweep.js';
import type { PatternSpec } from './types.js';

export const confidence: PatternSpec = {
  facts: { router: false, scopes: false, thresholds: { min: 0, max: 2, meaning: 'confidences lie in [0, 1]; above 1 escalates every item' } },
  sequential: true,
  route: routeSequential,
  routedCosts: (m) => cumulativeCosts(m),
  prepare({ table, m, confidenceField }) {
    const s = confidenceSignal(table, table.tiers);
    if (s.coverage === 0) return { skipped: `no result below the top tier has a confidence value (field "${confidenceField ?? 'confidence'}")` };
    return { fam: sequentialFamily(m, s.values, 'confidence', cumulativeCosts(m), 'confidence threshold (escalate while confidence is below it)'), extra: { signalCoverage: s.coverage }, signal: s.values };
  },
  policySignal(policy, table, tiers) {
    const s = confidenceSignal(table, tiers);
    return s.coverage === 0 ? { values: s.values, missing: `no result has a confidence value (field "${policy.confidenceField ?? 'confidence'}")` } : { values: s.values };
  },
};
