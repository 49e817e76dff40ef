/**
 * Each item's final tier under a policy: what applyPolicy aggregates, per
 * item. The gate needs it to report tier shares once allowedTiers have
 * substituted tiers (applyPolicy sees only the slots). Built from calibrate's
 * own signal and routing functions, so the route is the one it simulates.
 */
import { patternSpec } from '../calibrate/patterns/index.js';
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { ResultsTable } from '../calibrate/results.js';

export type RouteItems = (policy: RoutingPolicyFile, table: ResultsTable) => Uint8Array;

export const routeItems: RouteItems = (policy, table) => {
  const names = policy.tiers.map((t) => t.name);
  const spec = patternSpec(policy.pattern);
  return spec.route(policy.thresholds, spec.policySignal(policy, table, names).values, table.items.length, names.length);
};
