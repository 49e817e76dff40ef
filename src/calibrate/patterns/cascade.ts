/**
 * cascade: answer with the cheapest tier; escalate from tier b while a
 * reference-free grader (json-schema, valid-json, regex) scores its answer
 * below thresholds[b]. Every tier tried is paid for.
 */
import { cumulativeCosts, gateSignal, routeSequential } from '../route.js';
import { sequentialFamily } from '../sweep.js';
import type { PatternSpec } from './types.js';

/** Graders that check an answer without the expected answer, so a live cascade can run them. Preferred in this order. */
const REFERENCE_FREE_GATES = ['json-schema', 'valid-json', 'regex'] as const;

export const cascade: PatternSpec = {
  facts: { router: false, scopes: false, thresholds: { min: 0, max: 2, meaning: 'gate scores lie in [0, 1]; above 1 escalates every item' } },
  sequential: true,
  route: routeSequential,
  routedCosts: (m) => cumulativeCosts(m),
  prepare({ table, m, gate: chosen, notes }) {
    const tiers = table.tiers;
    const available = new Set<string>();
    for (const item of table.items) for (const t of tiers.slice(0, -1)) for (const g of item.byTier[t]!.graders) available.add(g.grader);
    const gate = chosen ?? REFERENCE_FREE_GATES.find((g) => available.has(g));
    if (!gate) {
      const list = available.size ? `graders in the results: ${[...available].sort().join(', ')}` : 'the results have no per-grader results';
      return { skipped: `no deterministic gate grader (${REFERENCE_FREE_GATES.join(', ')}) in the results (${list}); choose one with --gate` };
    }
    const s = gateSignal(table, tiers, gate);
    if (s.coverage === 0) return { skipped: `no result has a "${gate}" grader result`, gate };
    if (!(REFERENCE_FREE_GATES as readonly string[]).includes(gate)) {
      notes.push(`cascade gate "${gate}" may compare answers with the expected answer, which a live cascade cannot do: the simulated cascade is optimistic`);
    }
    return { fam: sequentialFamily(m, s.values, 'cascade', cumulativeCosts(m), 'gate score threshold (escalate while the gate scores below it)'), extra: { gate, signalCoverage: s.coverage }, signal: s.values, gate };
  },
  policySignal(policy, table, tiers) {
    const gate = policy.gate!;
    const s = gateSignal(table, tiers, gate);
    return s.coverage === 0 ? { values: s.values, missing: `no result has a "${gate}" grader result: the cascade gate cannot run on these results` } : { values: s.values };
  },
};
