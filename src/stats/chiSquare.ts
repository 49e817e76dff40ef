/**
 * Chi-square tests and the population-stability index over binned counts.
 * Pure. The survival function is the regularized upper incomplete gamma
 * function Q(df/2, x/2) (series below a + 1, continued fraction above:
 * Numerical Recipes §6.2), accurate to ~1e-12 — a few lines where a stats
 * package would bring a dependency tree.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a): the regularized upper incomplete gamma function. */
function gammaQ(a: number, x: number): number {
  if (!(a > 0) || x < 0 || Number.isNaN(x)) throw new RangeError(`gammaQ needs a > 0 and x ≥ 0, got a=${a}, x=${x}`);
  if (x === 0) return 1;
  const lnFront = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnFront));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnFront) * h);
}

/** P(X ≥ stat) for X ~ χ²(df). df 0 → 1 (nothing to test). */
export function chiSquareSurvival(stat: number, df: number): number {
  if (df <= 0) return 1;
  if (!(stat > 0)) return 1;
  return gammaQ(df / 2, stat / 2);
}

/** A chi-square test of homogeneity on two rows of counts over the same cells. */
export interface HomogeneityTest {
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * Pearson's chi-square test that two samples (rows `a` and `b`, counts over
 * the same cells) come from one distribution. Cells empty in both rows are
 * dropped. The caller pools sparse cells first (expected counts < 5 make the
 * chi-square approximation unreliable).
 */
export function chiSquareHomogeneity(a: readonly number[], b: readonly number[]): HomogeneityTest {
  const na = a.reduce((s, v) => s + v, 0);
  const nb = b.reduce((s, v) => s + v, 0);
  const n = na + nb;
  let statistic = 0;
  let cells = 0;
  for (let i = 0; i < a.length; i++) {
    const col = a[i]! + (b[i] ?? 0);
    if (col === 0) continue;
    cells++;
    const ea = (col * na) / n;
    const eb = (col * nb) / n;
    statistic += (a[i]! - ea) ** 2 / ea + ((b[i] ?? 0) - eb) ** 2 / eb;
  }
  const df = na > 0 && nb > 0 ? Math.max(0, cells - 1) : 0;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df) };
}

/**
 * Population-stability index Σ (c − b) · ln(c / b) over the cells' shares of
 * the baseline (b) and current (c) rows. Each share is smoothed with half a
 * count per cell, so a cell empty on one side adds a large but finite term.
 * Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 */
export function populationStabilityIndex(baseline: readonly number[], current: readonly number[]): number {
  const k = baseline.length;
  if (k === 0) return 0;
  const nb = baseline.reduce((s, v) => s + v, 0) + 0.5 * k;
  const nc = current.reduce((s, v) => s + v, 0) + 0.5 * k;
  let psi = 0;
  for (let i = 0; i < k; i++) {
    const b = (baseline[i]! + 0.5) / nb;
    const c = ((current[i] ?? 0) + 0.5) / nc;
    psi += (c - b) * Math.log(c / b);
  }
  return psi;
}
