/**
 * From a stratified sample of measured labels to whole-traffic figures with
 * honest intervals. Pure.
 *
 * The traffic is split into strata (task clusters, src/classify/signature.ts).
 * `tokor label` measures a sample drawn per stratum; every request also has
 * the labeler's prediction. For any per-request quantity f (1 if easy, the
 * request's cost on its label's tier, …) the total over all N requests is
 * estimated by prediction-powered inference (Angelopoulos et al., Science
 * 2023), stratified:
 *
 *   T̂ = Σ_h [ Σ_{i∈h} f(pred_i) + N_h · mean_{s∈sample_h}( f(measured_s) − f(pred_s) ) ]
 *   Var(T̂) = Σ_h N_h² · s²_h / n_h · (1 − n_h / N_h)
 *
 * The predictions carry the whole traffic; the measured sample corrects
 * their bias per stratum. When the predictions are good the corrections vary
 * little and the interval narrows; when they are at chance the estimator is
 * the plain stratified (Horvitz–Thompson) estimator of the measured labels,
 * never worse than it by more than the noise of the corrections.
 *
 * Strata with fewer than two measured requests have no variance of their
 * own: they are collapsed into one rest stratum (the standard remedy for
 * thin strata) whose correction and variance come from the measured requests
 * among them — or, when fewer than two of those exist, from every measured
 * request, counted as one draw (wide on purpose). Real traffic often has
 * thousands of one-off prompts; treating each as its own unmeasured stratum
 * would add their errors as if independent, though they all share one
 * correction, and give an interval far too narrow.
 */
import { zFor } from '../stats/interval.js';

/** One stratum of the traffic: its size and the sum of f over its requests' predictions. */
export interface StratumTotal {
  key: string;
  /** N_h: requests in the stratum. */
  size: number;
  /** Σ f(pred_i) over the stratum's requests. */
  predicted: number;
}

/** One measured request: its stratum, f of its measured label and f of its predicted label. */
export interface MeasuredUnit {
  stratum: string;
  measured: number;
  predicted: number;
}

/** The estimate for one stratum (a collapsed stratum's members share the rest's correction). */
interface StratumEstimate {
  key: string;
  size: number;
  measured: number;
  total: number;
  se: number;
  /** True when the stratum had fewer than two measured requests and was collapsed into the rest. */
  collapsed: boolean;
}

export interface TotalEstimate {
  total: number;
  /** Standard error of the total. */
  se: number;
  ci: [number, number];
  /** The prediction-only total (what an unmeasured prior says). */
  predictedTotal: number;
  measured: number;
  measuredStrata: number;
  unmeasuredStrata: number;
  /** Per stratum, in the order given. */
  strata: StratumEstimate[];
}

/** Stratified prediction-powered estimate of Σ f over every request, with a two-sided interval. */
export function estimateTotal(strata: readonly StratumTotal[], sample: readonly MeasuredUnit[], confidence = 0.95): TotalEstimate {
  const byStratum = new Map<string, number[]>();
  for (const u of sample) {
    const d = u.measured - u.predicted;
    if (!Number.isFinite(d)) throw new RangeError(`non-finite measured or predicted value in stratum ${u.stratum}`);
    const list = byStratum.get(u.stratum);
    if (list) list.push(d);
    else byStratum.set(u.stratum, [d]);
  }
  const all = sample.map((u) => u.measured - u.predicted);
  // The rest: every stratum with fewer than two measured requests, pooled.
  const rest: number[] = [];
  let restSize = 0;
  for (const s of strata) {
    const d = byStratum.get(s.key) ?? [];
    if (Math.min(d.length, s.size) >= 2) continue;
    restSize += s.size;
    for (const x of d.slice(0, s.size)) rest.push(x);
  }
  const ownRest = rest.length >= 2;
  const restMean = ownRest ? mean(rest) : all.length ? mean(all) : 0;
  const restVar = ownRest ? variance(rest) : all.length >= 2 ? variance(all) : all.length === 1 ? all[0]! * all[0]! : 0;
  const restN = Math.max(rest.length, 1);
  const restFpc = restSize > 0 ? Math.max(0, 1 - rest.length / restSize) : 0;
  let total = 0;
  let v = 0;
  let predictedTotal = 0;
  let measuredStrata = 0;
  let unmeasuredStrata = 0;
  const out: StratumEstimate[] = [];
  for (const s of strata) {
    predictedTotal += s.predicted;
    const d = byStratum.get(s.key) ?? [];
    const n = Math.min(d.length, s.size);
    if (n === 0) unmeasuredStrata++;
    else measuredStrata++;
    if (n >= 2) {
      const t = s.predicted + s.size * mean(d.slice(0, n));
      const vh = (s.size * s.size * variance(d.slice(0, n)) * Math.max(0, 1 - n / s.size)) / n;
      total += t;
      v += vh;
      out.push({ key: s.key, size: s.size, measured: n, total: t, se: Math.sqrt(vh), collapsed: false });
    } else {
      const t = s.predicted + s.size * restMean;
      total += t;
      out.push({ key: s.key, size: s.size, measured: n, total: t, se: s.size * Math.sqrt((restVar * restFpc) / restN), collapsed: true });
    }
  }
  v += (restSize * restSize * restVar * restFpc) / restN;
  const se = Math.sqrt(v);
  const z = zFor(confidence);
  return { total, se, ci: [total - z * se, total + z * se], predictedTotal, measured: sample.length, measuredStrata, unmeasuredStrata, strata: out };
}

export interface AllocationInput {
  key: string;
  size: number;
}

/**
 * How many requests to measure in each stratum for a sample of `total`:
 * proportional to stratum size (largest remainder), with a floor of
 * `minPerStratum` (2: a stratum needs two measurements for a variance of its
 * own) wherever the stratum and the sample are large enough, never more than
 * the stratum holds. When the sample cannot give every stratum its floor,
 * the largest strata get it first.
 */
export function allocateSample(strata: readonly AllocationInput[], total: number, minPerStratum = 2): Map<string, number> {
  const out = new Map<string, number>();
  const order = [...strata].sort((a, b) => b.size - a.size || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let left = Math.max(0, Math.floor(total));
  for (const s of order) {
    const floor = Math.min(minPerStratum, s.size, left);
    out.set(s.key, floor);
    left -= floor;
  }
  if (left === 0) return out;
  const N = order.reduce((a, s) => a + s.size, 0);
  const room = (s: AllocationInput) => s.size - out.get(s.key)!;
  // Proportional shares of what is left, among strata with room; repeated while capacity caps bite.
  for (let round = 0; left > 0 && round < 50; round++) {
    const open = order.filter((s) => room(s) > 0);
    if (open.length === 0) break;
    const weight = open.reduce((a, s) => a + s.size, 0) || N;
    const want = open.map((s) => ({ s, exact: (left * s.size) / weight }));
    let given = 0;
    for (const w of want) {
      const k = Math.min(Math.floor(w.exact), room(w.s));
      out.set(w.s.key, out.get(w.s.key)! + k);
      given += k;
    }
    left -= given;
    const byRemainder = want.filter((w) => room(w.s) > 0).sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.s.size - a.s.size);
    for (const w of byRemainder) {
      if (left === 0) break;
      out.set(w.s.key, out.get(w.s.key)! + 1);
      left--;
    }
  }
  return out;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}
