/**
 * Each item's final tier under a policy: what applyPolicy aggregates, per
 * item. The gate needs it to report tier shares once allowedTiers have
 * substituted tiers (applyPolicy sees only the slots). Built from calibrate's
 * own signal and routing functions, so the route is the one it simulates.
 */
import { confidenceSignal, gateSignal, routeTiers, routerSignal } from '../calibrate/apply.js';
import type { RoutingPolicyFile } from '../artifacts/policy.js';
import type { ResultsTable } from '../calibrate/results.js';
import { TrainedRouterLabeler } from '../classify/trained.js';

export type RouteItems = (policy: RoutingPolicyFile, table: ResultsTable) => Uint8Array;

export const routeItems: RouteItems = (policy, table) => {
  const names = policy.tiers.map((t) => t.name);
  const n = table.items.length;
  const k = names.length;
  let signal: Float64Array;
  if (policy.pattern === 'classifier') signal = routerSignal(new TrainedRouterLabeler(policy.router!), table);
  else if (policy.pattern === 'cascade') signal = gateSignal(table, names, policy.gate!).values;
  else signal = confidenceSignal(table, names).values;
  return routeTiers(policy.pattern, policy.thresholds, signal, n, k);
};
