/**
 * `tokor gate --traffic`: the drift verdict (src/drift/compare.ts, run by
 * src/app/drift.ts) as two gate checks — coverage of the golden set and the
 * stability of the three measures — whose messages name the clusters. Pure.
 */
import type { DriftJson } from '../artifacts/drift.js';
import { driftedClusterNames, MEASURE_NAMES } from '../drift/render.js';
import { pct } from '../report/format.js';
import type { SavingsCheck } from './types.js';

export function driftChecks(d: DriftJson): SavingsCheck[] {
  const c = d.coverage;
  const spend = c.spendShare !== null ? ` (${pct(c.spendShare)} of spend)` : '';
  const fresh = c.uncovered.slice(0, 3).map((u) => `${u.signature} "${u.text}" ${pct(u.currentShare)}`);
  const more = c.uncoveredClusters > fresh.length ? ` and ${c.uncoveredClusters - fresh.length} more` : '';
  const coverage: SavingsCheck = {
    check: 'traffic-coverage',
    pass: c.pass,
    limit: d.thresholds.minCoverage * 100,
    actual: c.requestShare * 100,
    message: `golden-set coverage ${pct(c.requestShare)} of traffic requests${spend} ${c.pass ? '≥' : '<'} minimum ${pct(d.thresholds.minCoverage, 0)}${fresh.length ? `; clusters absent from the golden set: ${fresh.join(', ')}${more}` : ''}`,
  };
  const drifted = d.measures.filter((m) => m.drifted);
  const worst = Math.max(0, ...d.measures.map((m) => m.psi));
  const named = driftedClusterNames({ coverage: { ...c, uncovered: [] }, moved: d.moved }, 3);
  const stability: SavingsCheck = {
    check: 'traffic-drift',
    pass: drifted.length === 0,
    limit: d.thresholds.maxPsi,
    actual: drifted.length ? Math.max(...drifted.map((m) => m.psi)) : worst,
    message: drifted.length
      ? `${drifted.map((m) => `${MEASURE_NAMES[m.measure]} drifted (PSI ${m.psi.toFixed(2)} ≥ ${d.thresholds.maxPsi}, p ${m.pValue.toExponential(1)} < ${m.level.toPrecision(2)})`).join('; ')}${named.length ? `; moved clusters: ${named.join(', ')}` : ''}`
      : `traffic stable against the golden set: largest PSI ${worst.toFixed(2)}, no test below ${(d.thresholds.alpha / d.measures.length).toPrecision(2)} with PSI ≥ ${d.thresholds.maxPsi}`,
  };
  return [coverage, stability];
}
