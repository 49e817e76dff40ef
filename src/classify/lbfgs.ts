/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithms 7.4/7.5)
 * for a smooth convex objective, with a backtracking Armijo line search. Written here because
 * no maintained npm package offers it (`fmin` has no L-BFGS; `numeric` is unmaintained) and the
 * router needs only this: full-batch minimization of an L2-regularized log loss, to a stated
 * gradient tolerance, deterministic. Pure.
 */

/** Writes ∇f(x) into grad and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Converged when ‖∇f‖₂ ≤ tolerance · max(1, ‖∇f(x₀)‖₂). */
  tolerance: number;
  maxIterations: number;
  /** Correction pairs kept (default 10). */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** ‖∇f‖₂ at the returned point. */
  gradientNorm: number;
  converged: boolean;
}

/** Minimizes f from x0 (x0 is not modified). */
export function minimizeLbfgs(f: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const P = x0.length;
  const mem = opts.memory ?? 10;
  const x = Float64Array.from(x0);
  const g = new Float64Array(P);
  let fx = f(x, g);
  const g0 = norm(g);
  const goal = opts.tolerance * Math.max(1, g0);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(mem);
  const d = new Float64Array(P);
  const xNew = new Float64Array(P);
  const gNew = new Float64Array(P);
  let gn = g0;
  let it = 0;
  while (gn > goal && it < opts.maxIterations) {
    // Two-loop recursion: d = −H·g.
    d.set(g);
    for (let j = S.length - 1; j >= 0; j--) {
      const a = rho[j]! * dot(S[j]!, d);
      alpha[j] = a;
      axpy(-a, Y[j]!, d);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      scale(d, dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!));
    } else {
      scale(d, 1 / Math.max(gn, 1e-12));
    }
    for (let j = 0; j < S.length; j++) {
      const b = rho[j]! * dot(Y[j]!, d);
      axpy(alpha[j]! - b, S[j]!, d);
    }
    scale(d, -1);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < P; i++) d[i] = -g[i]! / Math.max(gn, 1e-12);
      slope = -gn;
    }
    // Backtracking Armijo line search from the unit step.
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < P; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx + 1e-4 * step * slope)) break; // no progress possible at this precision
    // Reuse the oldest pair's storage once the memory is full.
    const s = S.length === mem ? S[0]! : new Float64Array(P);
    const y = Y.length === mem ? Y[0]! : new Float64Array(P);
    for (let i = 0; i < P; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    // A full memory lent its oldest pair's storage to this one: that pair goes either way.
    if (S.length === mem) {
      S.shift();
      Y.shift();
      rho.shift();
    }
    if (sy > 1e-12 * norm(s) * norm(y)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    gn = norm(g);
    it++;
  }
  return { x, value: fx, iterations: it, gradientNorm: gn, converged: gn <= goal };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}
