import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../src/classify/lbfgs.js';

describe('L-BFGS', () => {
  it('finds the minimum of an ill-conditioned quadratic to the stated gradient tolerance', () => {
    // f(x) = ½ Σ a_i (x_i − c_i)², condition number 10⁴.
    const a = Float64Array.from({ length: 50 }, (_, i) => 10 ** ((4 * i) / 49));
    const c = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i + 1));
    const f = (x: Float64Array, g: Float64Array): number => {
      let v = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - c[i]!;
        v += 0.5 * a[i]! * d * d;
        g[i] = a[i]! * d;
      }
      return v;
    };
    const r = minimizeLbfgs(f, new Float64Array(50), { tolerance: 1e-10, maxIterations: 1000 });
    expect(r.converged).toBe(true);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.hypot(...a.map((ai, i) => ai * c[i]!))));
    // |x_i − c_i| = |g_i| / a_i ≤ ‖g‖ / a_i.
    for (let i = 0; i < 50; i++) expect(Math.abs(r.x[i]! - c[i]!)).toBeLessThanOrEqual(r.gradientNorm / a[i]! + 1e-15);
    expect(r.iterations).toBeLessThan(1000);
  });

  it('minimizes the Rosenbrock function and reports when it ran out of iterations', () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      const [u, v] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - u) - 400 * u * (v - u * u);
      g[1] = 200 * (v - u * u);
      return (1 - u) ** 2 + 100 * (v - u * u) ** 2;
    };
    const x0 = Float64Array.from([-1.2, 1]);
    const r = minimizeLbfgs(f, x0, { tolerance: 1e-9, maxIterations: 500 });
    expect(r.converged).toBe(true);
    expect(r.x[0]!).toBeCloseTo(1, 6);
    expect(r.x[1]!).toBeCloseTo(1, 6);
    expect(Array.from(x0)).toEqual([-1.2, 1]);
    const short = minimizeLbfgs(f, x0, { tolerance: 1e-9, maxIterations: 3 });
    expect(short.converged).toBe(false);
    expect(short.iterations).toBe(3);
  });
});
