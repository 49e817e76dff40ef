/**
 * The trained difficulty router: multinomial logistic regression over hashed
 * prompt features (src/classify/features.ts), predicting the cheapest tier whose
 * answer passes ("none passes" folds into the top tier). Pure TypeScript,
 * deterministic (seeded fold split and sample order), offline.
 *
 * Training returns k-fold out-of-fold probabilities — each item scored by a
 * model that never saw it — which are what calibration certifies thresholds
 * on. The saved router is those k fold models, not a refit: a request is
 * scored by the fold model chosen by a stable hash of the request
 * (`foldOf`), the same hash that put each training item in its fold. So a
 * calibration item is re-scored exactly as it was certified (its own
 * out-of-fold score), and a new request gets a score from the very
 * distribution the thresholds were certified on. A model refit on every item
 * would not: its scores sit elsewhere (it fits tighter and was never
 * calibrated), and thresholds certified on out-of-fold scores do not transfer
 * to it. Probabilities are calibrated by one temperature fitted on the
 * out-of-fold logits. Each fold model is trained to convergence.
 */
import { InputError } from '../errors.js';
import type { RouterModel, RouterWeights } from '../artifacts/router.js';
import { ROUTER_MODEL_VERSION } from './routerVersion.js';
import type { Difficulty, DifficultyLabel } from '../types.js';
import { DEFAULT_FEATURE_SPEC, DENSE_FEATURES, extractFeatures, featureDim, fnv1a, type FeatureSpec, type SparseVector } from './features.js';
import { minimizeLbfgs } from './lbfgs.js';
import type { LabelInput, Labeler } from './types.js';

/** The stable hash that assigns requests to folds, in words (saved with the model). */
const FOLD_ASSIGNMENT = 'fnv1a-32(system, prompt, task, category, turns) mod folds';

export interface TrainOptions {
  /** k of k-fold cross-validation for the out-of-fold scores (default 5). */
  folds?: number;
  /** Salts the fold hash. */
  seed?: number;
  /** Most L-BFGS iterations per fold model. */
  maxIterations?: number;
  /** Converged: ‖∇‖₂ of the regularized objective ≤ tolerance · max(1, ‖∇‖₂ at the start). */
  tolerance?: number;
  /** L2 penalty (l2/2)·‖w‖² added to the mean log loss. */
  l2?: number;
  features?: FeatureSpec;
  onProgress?: (message: string) => void;
}

const DEFAULT_TRAIN = { folds: 5, seed: 1, maxIterations: 1000, tolerance: 1e-4, l2: 3e-3 } as const;

export interface TrainedRouter {
  model: RouterModel;
  /** Out-of-fold probabilities, n × K row-major (temperature-scaled). */
  oof: Float64Array;
}

/** One training example: the request and its class (index into classes). */
export interface RouterSample {
  input: LabelInput;
  label: number;
}

/**
 * Trains the router with k-fold out-of-fold scoring; the fold models are the saved router.
 * Throws InputError when there are too few items for the folds.
 */
export function trainRouter(samples: readonly RouterSample[], classes: readonly string[], opts: TrainOptions = {}): TrainedRouter {
  const K = classes.length;
  if (K < 2) throw new InputError('the router needs at least two tiers');
  const spec = opts.features ?? DEFAULT_FEATURE_SPEC;
  const o = { ...DEFAULT_TRAIN, ...definedOnly(opts) };
  const n = samples.length;
  const folds = Math.min(o.folds, n);
  if (n < 4 || folds < 2) throw new InputError(`too few items to train the router: ${n} (need at least 4 for 2-fold cross-validation)`);
  for (const s of samples) if (!(s.label >= 0 && s.label < K)) throw new RangeError(`label ${s.label} outside 0..${K - 1}`);

  const vectors = samples.map((s) => extractFeatures(s.input, spec));
  const labels = Int32Array.from(samples, (s) => s.label);
  const dim = featureDim(spec);
  const base = 1 << spec.hashBits;

  // Fold assignment by a stable hash of the request (the seed salts it), so that the saved
  // fold models can later score any request — a calibration item lands on the model that never saw it.
  const fold = Int32Array.from(samples, (s) => foldOf(s.input, folds, o.seed));
  const sizes = new Array<number>(folds).fill(0);
  for (const f of fold) sizes[f]!++;
  if (sizes.some((c) => c === n)) throw new InputError(`too few distinct prompts to train the router: all ${n} items hash to one fold`);

  const oofLogits = new Float64Array(n * K);
  const fits: Fit[] = [];
  for (let f = 0; f < folds; f++) {
    opts.onProgress?.(`training router: fold ${f + 1}/${folds}`);
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const fit = fitSoftmax(vectors, labels, train, K, dim, base, o);
    fits.push(fit);
    for (const i of test) {
      const z = logits(fit, vectors[i]!, K, base);
      oofLogits.set(z, i * K);
    }
  }
  const temperature = fitTemperature(oofLogits, labels, K);
  const oof = new Float64Array(n * K);
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const p = softmax(oofLogits.subarray(i * K, i * K + K), temperature);
    oof.set(p, i * K);
    logLoss -= Math.log(Math.max(p[labels[i]!]!, 1e-15));
  }
  const classCounts = new Array<number>(K).fill(0);
  for (const l of labels) classCounts[l]!++;
  const needsMore = Array.from(labels, (l) => (l > 0 ? 1 : 0));
  const scores = Array.from({ length: n }, (_, i) => 1 - oof[i * K]!);
  const model: RouterModel = {
    kind: 'tokor-router',
    schemaVersion: ROUTER_MODEL_VERSION,
    classes: [...classes],
    features: { ...spec },
    dense: { names: [...DENSE_FEATURES] },
    temperature: round(temperature),
    models: fits.map((fit) => ({ dense: { mean: fit.mean.map(round), std: fit.std.map(round) }, bias: Array.from(fit.bias, round), weights: packWeights(fit.w, K, dim) })),
    assignment: FOLD_ASSIGNMENT,
    training: {
      items: n,
      folds,
      seed: o.seed,
      optimizer: 'lbfgs',
      tolerance: o.tolerance,
      maxIterations: o.maxIterations,
      iterations: fits.map((f) => f.iterations),
      gradientNorms: fits.map((f) => round(f.gradientNorm)),
      converged: fits.every((f) => f.converged),
      l2: o.l2,
      classCounts,
      oofAuc: rocAuc(scores, needsMore),
      oofLogLoss: round(logLoss / n),
    },
  };
  return { model, oof };
}

interface Fit {
  w: Float64Array;
  bias: Float64Array;
  mean: number[];
  std: number[];
  iterations: number;
  gradientNorm: number;
  converged: boolean;
}

/**
 * The fold a request belongs to: a stable hash of what the router reads, so the same
 * request always lands on the same fold model, in training and whenever it is scored.
 */
export function foldOf(input: LabelInput, folds: number, seed: number): number {
  const key = `${input.system ?? ''}\u0000${input.prompt ?? ''}\u0000${input.task ?? ''}\u0000${input.category ?? ''}\u0000${input.turns ?? ''}`;
  return fnv1a(key, (0x9e3779b9 ^ Math.imul(seed, 0x85ebca6b)) >>> 0) % folds;
}

/**
 * Full-batch L-BFGS on the mean multinomial log loss plus (l2/2)·‖w‖² (bias unpenalized), over
 * the given rows, to ‖∇‖₂ ≤ tolerance·max(1, ‖∇₀‖₂). Only features present in the rows get a
 * parameter (the others have zero gradient and stay 0 under L2). Deterministic: no sampling.
 */
function fitSoftmax(
  vectors: readonly SparseVector[],
  labels: Int32Array,
  rows: number[],
  K: number,
  dim: number,
  base: number,
  o: { maxIterations: number; tolerance: number; l2: number },
): Fit {
  const nd = dim - base;
  const N = rows.length;
  const mean = new Array<number>(nd).fill(0);
  const sq = new Array<number>(nd).fill(0);
  for (const r of rows) {
    const v = vectors[r]!;
    for (let j = v.idx.length - nd; j < v.idx.length; j++) {
      const d = v.idx[j]! - base;
      mean[d]! += v.val[j]!;
      sq[d]! += v.val[j]! * v.val[j]!;
    }
  }
  const std = mean.map((s, d) => {
    const m = s / N;
    const varr = sq[d]! / N - m * m;
    return varr > 1e-12 ? Math.sqrt(varr) : 1;
  });
  for (let d = 0; d < nd; d++) mean[d] = mean[d]! / N;

  // Compact the rows: active feature columns, standardized values, CSR layout.
  const colOf = new Int32Array(dim).fill(-1);
  const active: number[] = [];
  const start = new Int32Array(N + 1);
  let nnz = 0;
  for (let r = 0; r < N; r++) nnz += vectors[rows[r]!]!.idx.length;
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  const ys = new Int32Array(N);
  let at = 0;
  for (let r = 0; r < N; r++) {
    const v = vectors[rows[r]!]!;
    ys[r] = labels[rows[r]!]!;
    for (let j = 0; j < v.idx.length; j++) {
      const id = v.idx[j]!;
      if (colOf[id] === -1) {
        colOf[id] = active.length;
        active.push(id);
      }
      cols[at] = colOf[id]!;
      vals[at] = id >= base ? (v.val[j]! - mean[id - base]!) / std[id - base]! : v.val[j]!;
      at++;
    }
    start[r + 1] = at;
  }
  // Class 0 is the reference (logit 0): K−1 free columns per active feature, then K−1 biases.
  const C = K - 1;
  const A = active.length;
  const P = (A + 1) * C;
  const l2 = o.l2;
  const z = new Float64Array(K);
  const gr = new Float64Array(C);
  // Three classes (the cheap → mid → frontier ladder): the general objective below with the class loop
  // unrolled into locals. The same operations in the same order, so the same bits, about twice as fast.
  const twoClassObjective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const b1 = theta[2 * A]!;
    const b2 = theta[2 * A + 1]!;
    let gb1 = 0;
    let gb2 = 0;
    for (let r = 0; r < N; r++) {
      const lo = start[r]!;
      const hi = start[r + 1]!;
      let z1 = b1;
      let z2 = b2;
      for (let j = lo; j < hi; j++) {
        const x = vals[j]!;
        const o = cols[j]! * 2;
        z1 += x * theta[o]!;
        z2 += x * theta[o + 1]!;
      }
      let max = 0;
      if (z1 > max) max = z1;
      if (z2 > max) max = z2;
      const e0 = Math.exp(0 - max);
      const e1 = Math.exp(z1 - max);
      const e2 = Math.exp(z2 - max);
      const sum = e0 + e1 + e2;
      const y = ys[r]!;
      loss += Math.log(sum) - Math.log(Math.max(y === 0 ? e0 : y === 1 ? e1 : e2, 1e-300));
      const g1 = e1 / sum - (y === 1 ? 1 : 0);
      const g2 = e2 / sum - (y === 2 ? 1 : 0);
      gb1 += g1;
      gb2 += g2;
      for (let j = lo; j < hi; j++) {
        const x = vals[j]!;
        const o = cols[j]! * 2;
        grad[o]! += g1 * x;
        grad[o + 1]! += g2 * x;
      }
    }
    let pen = 0;
    for (let i = 0; i < A * 2; i++) {
      pen += theta[i]! * theta[i]!;
      grad[i] = grad[i]! / N + l2 * theta[i]!;
    }
    grad[2 * A] = gb1 / N;
    grad[2 * A + 1] = gb2 / N;
    return loss / N + 0.5 * l2 * pen;
  };
  const objective = C === 2 ? twoClassObjective : (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < N; r++) {
      const lo = start[r]!;
      const hi = start[r + 1]!;
      z[0] = 0;
      for (let c = 0; c < C; c++) z[c + 1] = theta[A * C + c]!;
      // One pass over the row's features for every class (the hot loop).
      for (let j = lo; j < hi; j++) {
        const x = vals[j]!;
        const o = cols[j]! * C;
        for (let c = 0; c < C; c++) z[c + 1]! += x * theta[o + c]!;
      }
      let max = 0;
      for (let c = 1; c < K; c++) if (z[c]! > max) max = z[c]!;
      let sum = 0;
      for (let c = 0; c < K; c++) {
        z[c] = Math.exp(z[c]! - max);
        sum += z[c]!;
      }
      const y = ys[r]!;
      loss += Math.log(sum) - Math.log(Math.max(z[y]!, 1e-300));
      for (let c = 0; c < C; c++) {
        const g = z[c + 1]! / sum - (c + 1 === y ? 1 : 0);
        gr[c] = g;
        grad[A * C + c]! += g;
      }
      for (let j = lo; j < hi; j++) {
        const x = vals[j]!;
        const o = cols[j]! * C;
        for (let c = 0; c < C; c++) grad[o + c]! += gr[c]! * x;
      }
    }
    let pen = 0;
    for (let i = 0; i < A * C; i++) {
      pen += theta[i]! * theta[i]!;
      grad[i] = grad[i]! / N + l2 * theta[i]!;
    }
    for (let c = 0; c < C; c++) grad[A * C + c] = grad[A * C + c]! / N;
    return loss / N + 0.5 * l2 * pen;
  };
  const res = minimizeLbfgs(objective, new Float64Array(P), { tolerance: o.tolerance, maxIterations: o.maxIterations });
  const w = new Float64Array(dim * K);
  for (let a = 0; a < A; a++) for (let c = 0; c < C; c++) w[active[a]! * K + c + 1] = res.x[a * C + c]!;
  const bias = new Float64Array(K);
  for (let c = 0; c < C; c++) bias[c + 1] = res.x[A * C + c]!;
  return { w, bias, mean, std, iterations: res.iterations, gradientNorm: res.gradientNorm, converged: res.converged };
}

function logits(fit: Fit, v: SparseVector, K: number, base: number): Float64Array {
  const z = Float64Array.from(fit.bias);
  for (let j = 0; j < v.idx.length; j++) {
    const id = v.idx[j]!;
    const x = id >= base ? (v.val[j]! - fit.mean[id - base]!) / fit.std[id - base]! : v.val[j]!;
    for (let c = 0; c < K; c++) z[c]! += x * fit.w[id * K + c]!;
  }
  return z;
}

function softmax(z: ArrayLike<number>, temperature: number): Float64Array {
  const K = z.length;
  const p = new Float64Array(K);
  let max = -Infinity;
  for (let c = 0; c < K; c++) max = Math.max(max, z[c]! / temperature);
  let sum = 0;
  for (let c = 0; c < K; c++) {
    p[c] = Math.exp(z[c]! / temperature - max);
    sum += p[c]!;
  }
  for (let c = 0; c < K; c++) p[c] = p[c]! / sum;
  return p;
}

/** Temperature in [e^-3, e^3] minimizing the mean log loss (golden-section search on log T). */
function fitTemperature(z: Float64Array, labels: Int32Array, K: number): number {
  const n = labels.length;
  const loss = (logT: number): number => {
    const t = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < K; c++) max = Math.max(max, z[i * K + c]! / t);
      let sum = 0;
      for (let c = 0; c < K; c++) sum += Math.exp(z[i * K + c]! / t - max);
      s += Math.log(sum) + max - z[i * K + labels[i]!]! / t;
    }
    return s;
  };
  let a = -3;
  let b = 3;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = loss(c);
  let fd = loss(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = loss(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = loss(d);
    }
  }
  return Math.exp((a + b) / 2);
}

function packWeights(w: Float64Array, K: number, dim: number): RouterWeights['weights'] {
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < dim; j++) {
    let any = false;
    for (let c = 0; c < K; c++) if (Math.abs(w[j * K + c]!) >= 1e-7) any = true;
    if (!any) continue;
    indices.push(j);
    for (let c = 0; c < K; c++) values.push(round(w[j * K + c]!));
  }
  return { indices, values };
}

/** 6 significant digits: small JSON, scores stable to ~1e-6. */
function round(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(6));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** ROC AUC (probability a random positive outscores a random negative; ties count half). Null without both classes. */
export function rocAuc(scores: readonly number[], positives: readonly number[]): number | null {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j + 2) / 2;
    for (let t = i; t <= j; t++) if (positives[idx[t]!]) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Difficulty of a ground-truth class among K tiers. */
function difficultyOf(cls: number, K: number): Difficulty {
  if (cls <= 0) return 'easy';
  if (cls >= K - 1) return 'hard';
  return 'moderate';
}

/** A loaded router: a Labeler plus the full tier distribution for routing. */
export class TrainedRouterLabeler implements Labeler {
  readonly name = 'trained';
  private readonly models: { w: Float64Array; rowOf: Map<number, number>; bias: number[]; mean: number[]; std: number[] }[];
  constructor(readonly model: RouterModel) {
    const ws: RouterWeights[] = model.models ?? [{ dense: { mean: model.dense.mean!, std: model.dense.std! }, bias: model.bias!, weights: model.weights! }];
    this.models = ws.map((m) => ({
      w: Float64Array.from(m.weights.values),
      rowOf: new Map(m.weights.indices.map((ix, j) => [ix, j])),
      bias: m.bias,
      mean: m.dense.mean,
      std: m.dense.std,
    }));
  }

  /** P(tier t is the cheapest that passes), t over model.classes, from the request's fold model. */
  probabilities(input: LabelInput): Float64Array {
    const m = this.model;
    const K = m.classes.length;
    const base = 1 << m.features.hashBits;
    const fm = this.models.length === 1 ? this.models[0]! : this.models[foldOf(input, this.models.length, m.training.seed)]!;
    const v = extractFeatures(input, m.features);
    const z = Float64Array.from(fm.bias);
    for (let j = 0; j < v.idx.length; j++) {
      const id = v.idx[j]!;
      const row = fm.rowOf.get(id);
      if (row === undefined) continue;
      const x = id >= base ? (v.val[j]! - fm.mean[id - base]!) / fm.std[id - base]! : v.val[j]!;
      for (let c = 0; c < K; c++) z[c]! += x * fm.w[row * K + c]!;
    }
    return softmax(z, m.temperature);
  }

  /** Per boundary b (K−1 of them): P(needs a tier above b) = Σ_{t>b} p_t. boundaryScores[0] is the label score. */
  boundaryScores(input: LabelInput): number[] {
    return boundaryScoresOf(this.probabilities(input));
  }

  label(input: LabelInput): DifficultyLabel {
    const p = this.probabilities(input);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    return { label: difficultyOf(best, p.length), score: clampUnit(1 - p[0]!) };
  }
}

/** Tail sums of a class distribution: s[b] = Σ_{t>b} p[t], clamped into [1e-9, 1 − 1e-9]. */
export function boundaryScoresOf(p: ArrayLike<number>): number[] {
  const K = p.length;
  const s = new Array<number>(K - 1);
  let tail = 0;
  for (let b = K - 2; b >= 0; b--) {
    tail += p[b + 1]!;
    s[b] = clampUnit(tail);
  }
  return s;
}

function clampUnit(x: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, x));
}
