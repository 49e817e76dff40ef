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

/**
 * Minimizes f from x0 (x0 is not modified). The vector passes are fused where one pass can feed the
 * next (each dot product still sums its terms in index order, so the result is the same to the bit
 * as the textbook one-operation-per-pass form): the router's training spends half its time here.
 */
export function minimizeLbfgs(f: Objective, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const P = x0.length;
  const mem = opts.memory ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(P);
  let fx = f(x, g);
  const g0 = norm(g);
  const goal = opts.tolerance * Math.max(1, g0);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  /** s·y and y·y of each kept pair (the initial scaling reads the newest pair's). */
  const sys: number[] = [];
  const yys: number[] = [];
  const alpha = new Float64Array(mem);
  const d = new Float64Array(P);
  let xNew = new Float64Array(P);
  let gNew = new Float64Array(P);
  let gn = g0;
  let it = 0;
  while (gn > goal && it < opts.maxIterations) {
    // Two-loop recursion: d = −H·g.
    const m = S.length;
    let slope: number;
    if (m === 0) {
      const c = 1 / Math.max(gn, 1e-12);
      let acc = 0;
      for (let i = 0; i < P; i++) {
        const v = -(g[i]! * c);
        d[i] = v;
        acc += g[i]! * v;
      }
      slope = acc;
    } else {
      d.set(g);
      // First loop, newest pair first: αⱼ = ρⱼ sⱼ·d, d −= αⱼ yⱼ (each update fused with the next pair's dot).
      let acc = dot(S[m - 1]!, d);
      for (let j = m - 1; j >= 0; j--) {
        const a = rho[j]! * acc;
        alpha[j] = a;
        const na = -a;
        const yj = Y[j]!;
        if (j > 0) {
          const next = S[j - 1]!;
          acc = 0;
          for (let i = 0; i < P; i++) {
            const v = d[i]! + na * yj[i]!;
            d[i] = v;
            acc += next[i]! * v;
          }
        } else {
          for (let i = 0; i < P; i++) d[i]! += na * yj[i]!;
        }
      }
      // Initial Hessian γI with γ = s·y / y·y of the newest pair, fused with the second loop's first dot.
      const gamma = sys[m - 1]! / yys[m - 1]!;
      const y0 = Y[0]!;
      acc = 0;
      for (let i = 0; i < P; i++) {
        const v = d[i]! * gamma;
        d[i] = v;
        acc += y0[i]! * v;
      }
      // Second loop, oldest pair first: βⱼ = ρⱼ yⱼ·d, d += (αⱼ − βⱼ) sⱼ; the last update also negates d
      // and takes the slope g·d.
      slope = 0;
      for (let j = 0; j < m; j++) {
        const c = alpha[j]! - rho[j]! * acc;
        const sj = S[j]!;
        if (j < m - 1) {
          const next = Y[j + 1]!;
          acc = 0;
          for (let i = 0; i < P; i++) {
            const v = d[i]! + c * sj[i]!;
            d[i] = v;
            acc += next[i]! * v;
          }
        } else {
          let gd = 0;
          for (let i = 0; i < P; i++) {
            const v = -(d[i]! + c * sj[i]!);
            d[i] = v;
            gd += g[i]! * v;
          }
          slope = gd;
        }
      }
    }
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      sys.length = 0;
      yys.length = 0;
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
    let sy = 0;
    let ss = 0;
    let yy = 0;
    let gg = 0;
    for (let i = 0; i < P; i++) {
      const si = xNew[i]! - x[i]!;
      const yi = gNew[i]! - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
      gg += gNew[i]! * gNew[i]!;
    }
    // A full memory lent its oldest pair's storage to this one: that pair goes either way.
    if (S.length === mem) {
      S.shift();
      Y.shift();
      rho.shift();
      sys.shift();
      yys.shift();
    }
    if (sy > 1e-12 * Math.sqrt(ss) * Math.sqrt(yy)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      sys.push(sy);
      yys.push(yy);
    }
    // The new point becomes the current one; the old buffers take the next trial point.
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    gn = Math.sqrt(gg);
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


