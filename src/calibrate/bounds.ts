/**
 * The statistics behind "the bar holds at 95% confidence", all O(1) from
 * running sums over items so a sweep can test every threshold. Quality is a
 * pass rate; r_i = routed pass, f_i = frontier pass (0/1), paired by item.
 *
 * - relative bar (parity): the one-sided normal (CLT) lower bound of the mean
 *   paired difference d_i = r_i − bar·f_i must be ≥ 0; equivalently the
 *   Fieller lower bound of parity = mean(r)/mean(f) is ≥ bar.
 * - absolute bar: the one-sided Wilson lower bound of the routed pass rate
 *   must be ≥ bar.
 *
 * The certification rule (what `margin` tests) asks more than "the true
 * parity is ≥ bar": the bar must hold for the POINT ESTIMATE a new sample
 * will show. A route whose true parity sits just above the bar shows a
 * held-out parity below it about half the time (the new sample's own
 * noise), and the sweep's pick sits at the edge by construction. So the
 * bound is tested against the bar plus the new sample's one-sided sampling
 * margin: lower(true parity) ≥ bar + z'·sd/√m, i.e. in paired-difference
 * units mean(d) − z·sd/√n − z'·sd/√m ≥ 0, where m is the size of the new
 * sample (default: as many items as the calibration set, m = n). Adding the
 * margins (not their root-sum-square, as a prediction interval for a fresh
 * estimate would) keeps the rule valid for the selected route: the
 * fixed-sequence search keeps the first term honest for the pick; the train
 * point estimate of the pick is biased upward by the search, so it cannot be
 * pooled with the new sample as if independent. The held-out point estimate
 * falls below the bar only when the true parity is below bar + margin or the
 * new sample falls a further z'·sd/√m short; the error budget 1 − confidence
 * is split in half between these two events (Bonferroni, `certificationLevels`),
 * so that per run the point estimate breaks the bar with probability at most
 * 1 − confidence — not twice that, as when each term took the whole budget.
 */
import { normalQuantile } from '../stats/interval.js';
import type { BarMode } from '../config/schema.js';

/** One-sided standard-normal quantile: 0.95 → 1.645. */
export function oneSidedZ(confidence: number): number {
  if (!(confidence > 0.5 && confidence < 1)) throw new RangeError(`confidence must be in (0.5, 1), got ${confidence}`);
  return normalQuantile(confidence);
}

/** Two-sided z for a 95% interval. */
export const Z95 = normalQuantile(0.975);

/** Sums over n items: Σr, Σ r·f, Σf (passes are 0/1 so Σr² = Σr). */
export interface PairedSums {
  n: number;
  sr: number;
  srf: number;
  sf: number;
}

/** How a bar is tested: the margin is ≥ 0 exactly when the bound meets the bar. */
export interface Criterion {
  mode: BarMode;
  bar: number;
  /** One-sided z of the confidence level. */
  z: number;
  n: number;
  /** Σ frontier passes (constant over a sweep). */
  sf: number;
  /**
   * Size of the new sample whose point estimate must meet the bar (the holdout margin);
   * default n, the calibration set's size.
   */
  newItems?: number;
  /** One-sided z of the new sample's margin (default z). */
  zNew?: number;
}

/**
 * The confidence levels of the certification rule: the error budget α = 1 − confidence is split in
 * half between "the true parity is below bar + margin" (that half split again over the patterns
 * searched, Bonferroni) and "the new sample falls a margin short". So the held-out point estimate of
 * the pick breaks the bar with probability at most α.
 */
export function certificationLevels(confidence: number, patterns = 1): { trueConfidence: number; newConfidence: number } {
  const alpha = 1 - confidence;
  return { trueConfidence: 1 - alpha / 2 / Math.max(1, patterns), newConfidence: 1 - alpha / 2 };
}

/**
 * The z the certification rule applies to the calibration sample's standard error: z for the
 * true value plus the new sample's margin, z + z'·√(n/m) (z' = z unless given).
 */
export function certifyingZ(z: number, n: number, newItems: number = n, zNew: number = z): number {
  if (!(newItems > 0)) throw new RangeError(`the new sample needs at least one item, got ${newItems}`);
  return z + zNew * Math.sqrt(n / newItems);
}

function levelText(x: number): string {
  return `${Number((x * 100).toFixed(2))}%`;
}

/** The certification rule of `margin`, in words (a new sample as large as the calibration set). */
export function describeCertification(o: { bar: number; barMode: BarMode; confidence: number; patterns?: number }): string {
  const k = Math.max(1, o.patterns ?? 1);
  const { trueConfidence, newConfidence } = certificationLevels(o.confidence, k);
  const t = levelText(trueConfidence);
  const m = levelText(newConfidence);
  const split = `the ${levelText(1 - o.confidence)} error budget is split in half between the two${k > 1 ? `, and the first half over the ${k} patterns (Bonferroni)` : ''}`;
  const lead = `one-sided ${levelText(o.confidence)} certification that a new sample's ${o.barMode === 'relative' ? 'parity' : 'quality'} point estimate meets ${o.bar}, not only the true value: the`;
  return o.barMode === 'relative'
    ? `${lead} ${t} normal (CLT) lower bound of the per-item paired difference routed − ${o.bar} × frontier, less the ${m} sampling margin of a new sample as large, must be ≥ 0 (${split})`
    : `${lead} ${t} Wilson lower bound of the routed pass rate, less the ${m} sampling margin of a new sample as large, must be ≥ ${o.bar} (${split})`;
}

/**
 * Lower bound − holdout margin (relative: in paired-difference units; absolute: in pass-rate units):
 * ≥ 0 means the bar holds for the true value and for a new sample's point estimate (module comment).
 */
export function margin(c: Criterion, sr: number, srf: number): number {
  if (c.mode === 'relative') return pairedLower(c.n, sr, srf, c.sf, c.bar, certifyingZ(c.z, c.n, c.newItems, c.zNew));
  const m = c.newItems ?? c.n;
  const p = c.n > 0 ? sr / c.n : 0;
  return wilsonLowerZ(sr, c.n, c.z) - c.bar - (c.zNew ?? c.z) * Math.sqrt((p * (1 - p)) / m);
}

/** One-sided lower bound of mean(r − bar·f), normal approximation with the sample variance. */
export function pairedLower(n: number, sr: number, srf: number, sf: number, bar: number, z: number): number {
  const c = withPseudoItem({ n, sr, srf, sf });
  return pairedLowerRaw(c.n, c.sr, c.srf, c.sf, bar, z);
}

/**
 * Continuity correction used by every paired bound: one pseudo-item that the
 * route fails and the frontier passes. Without it, a route that agrees with
 * the frontier on every item (say, all pass) has zero variance and would be
 * certified at parity from any n, even 5 items. Its weight fades as n grows.
 */
function withPseudoItem(s: PairedSums): PairedSums {
  return { n: s.n + 1, sr: s.sr, srf: s.srf, sf: s.sf + 1 };
}

function pairedLowerRaw(n: number, sr: number, srf: number, sf: number, bar: number, z: number): number {
  const mean = (sr - bar * sf) / n;
  if (n < 2) return mean;
  const ss = sr - 2 * bar * srf + bar * bar * sf;
  const variance = Math.max(0, (ss - n * mean * mean) / (n - 1));
  return mean - z * Math.sqrt(variance / n);
}

/** Wilson score lower bound of k/n with a given z (one-sided when z is one-sided). */
export function wilsonLowerZ(k: number, n: number, z: number): number {
  if (n <= 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return Math.max(0, centre - half);
}

/** Wilson score upper bound. */
export function wilsonUpperZ(k: number, n: number, z: number): number {
  if (n <= 0) return 1;
  return 1 - wilsonLowerZ(n - k, n, z);
}

/**
 * Fieller's interval for parity = mean(r)/mean(f) on paired items: the set
 * of ratios b with |mean(r − b·f)| ≤ z·sd(r − b·f)/√n. Its lower end is the
 * largest bar the paired bound certifies — exactly consistent with
 * pairedLower (found by bisection when the quadratic is degenerate). The
 * upper end falls back to the delta method when Fieller's set is unbounded
 * (frontier pass rate near 0).
 */
export function parityInterval(observed: PairedSums, z: number): [number, number] {
  // A frontier that passes no item leaves parity undefined: nothing is certified. (Checked before the
  // pseudo-item, which alone would make the frontier pass one item and the bound as large as sr.)
  if (observed.sf === 0) return [0, 0];
  const { n, sr, srf, sf } = withPseudoItem(observed);
  if (n < 2) return [0, sr / sf];
  const mr = sr / n;
  const mf = sf / n;
  const vrr = Math.max(0, (sr - n * mr * mr) / (n - 1));
  const vff = Math.max(0, (sf - n * mf * mf) / (n - 1));
  const vrf = (srf - n * mr * mf) / (n - 1);
  const k = (z * z) / n;
  const a = mf * mf - k * vff;
  const b = mr * mf - k * vrf;
  const c = mr * mr - k * vrr;
  const disc = b * b - a * c;
  const ratio = mr / mf;
  let lo: number;
  let hi: number;
  if (a > 0 && disc >= 0) {
    const root = Math.sqrt(disc);
    lo = (b - root) / a;
    hi = (b + root) / a;
  } else {
    // f(x) = mean(r − x·f) − z·sd/√n is concave with f(ratio) ≤ 0: bisect for its last zero in [0, ratio].
    const f = (x: number): number => pairedLowerRaw(n, sr, srf, sf, x, z);
    if (f(0) < 0) lo = 0;
    else {
      let l = 0;
      let h = ratio;
      for (let i = 0; i < 200 && h - l > 1e-13; i++) {
        const mid = (l + h) / 2;
        if (f(mid) >= 0) l = mid;
        else h = mid;
      }
      lo = l;
    }
    const se = Math.sqrt(Math.max(0, vrr - 2 * ratio * vrf + ratio * ratio * vff) / n) / mf;
    hi = ratio + z * se;
  }
  return [Math.max(0, lo), hi];
}

/**
 * Items needed before a route whose per-item mean difference and deviation
 * stay as observed would be certified (the rule of `margin`, with a new
 * sample as large as the calibration set): n ≥ ((z + z')·sd / mean)². Undefined
 * (Infinity) when the mean is ≤ 0. z is the true value's one-sided z, z' the new sample's (default z).
 */
export function itemsNeededPaired(s: PairedSums, bar: number, confidenceZ: number, zNew: number = confidenceZ): number {
  const z = certifyingZ(confidenceZ, 1, 1, zNew);
  const { n, sr, srf, sf } = s;
  const mean = (sr - bar * sf) / n;
  if (!(mean > 0)) return Infinity;
  const ss = sr - 2 * bar * srf + bar * bar * sf;
  const variance = Math.max(0, (ss - n * mean * mean) / Math.max(1, n - 1));
  // The projection without the pseudo-item, then the smallest m ≥ it at which the
  // corrected bound (pseudo-item included) holds with the observed rates.
  const holds = (m: number) => pairedLower(m, (sr * m) / n, (srf * m) / n, (sf * m) / n, bar, z) >= 0;
  let lo = Math.max(n, Math.ceil(((z * Math.sqrt(variance)) / mean) ** 2));
  if (holds(lo)) return lo;
  let hi = lo * 2;
  while (!holds(hi)) {
    if (hi > 1e12) return Infinity;
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Items needed before a pass rate p, as observed, is certified against an absolute bar (Wilson lower
 * bound minus the holdout margin of a new sample as large, normal approximation: n ≥ (2z)²·p(1−p)/(p − bar)²).
 */
export function itemsNeededAbsolute(p: number, bar: number, z: number, zNew: number = z): number {
  if (!(p > bar)) return Infinity;
  if (p >= 1) return itemsForPerfectAbsolute(bar, z);
  const zc = certifyingZ(z, 1, 1, zNew);
  return Math.ceil((zc * zc * p * (1 - p)) / (p - bar) ** 2);
}

/** Fewest items for which n/n passing has a Wilson lower bound ≥ bar: n/(n+z²) ≥ bar (a perfect pass rate has no holdout margin). */
export function itemsForPerfectAbsolute(bar: number, z: number): number {
  if (bar >= 1) return Infinity;
  return Math.ceil((bar * z * z) / (1 - bar));
}

/**
 * Fewest items for which a route that passes exactly where the frontier does
 * (a perfect router at parity) is certified at a relative bar < 1: the paired
 * bound of d = (1−bar)·f with the rule's z (2z, `margin`) needs
 * mean(f) ≥ 2z·sd(f)/√n, i.e. n ≥ (2z)²(1−q)/q.
 */
export function itemsForPerfectRelative(frontierRate: number, z: number, zNew: number = z): number {
  if (!(frontierRate > 0)) return Infinity;
  const zc = certifyingZ(z, 1, 1, zNew);
  return Math.ceil((zc * zc * (1 - frontierRate)) / frontierRate);
}
