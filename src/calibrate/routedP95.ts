/**
 * The routed p95 latency of every candidate of a threshold sweep, kept up to
 * date as items move up the ladder (latency.ts defines routed latency and the
 * nearest-rank quantile). Pure.
 */
import { InputError } from '../errors.js';

/** The ⌈q·n⌉-th smallest of n values (1-based): the nearest-rank q-quantile. */
export function nearestRank(q: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
}

/**
 * The routed p95 of every candidate of a sweep, kept as items move up the
 * ladder: a Fenwick tree of counts over the distinct routed latencies, so a
 * move and a quantile query each cost O(log V). Exactly routeLatency's
 * nearest-rank p95 of the current route.
 */
export class RoutedP95 {
  private readonly values: Float64Array;
  private readonly rank: Uint32Array;
  private readonly tree: Int32Array;
  private readonly k: number;
  private readonly target: number;
  private readonly median: number;
  private readonly top: number;

  /**
   * Every item starts on the cheapest tier. `order` sorts `routed` ascending
   * (the sweep's radix argsort). Throws InputError when a routed latency is unknown.
   */
  constructor(routed: Float64Array, n: number, k: number, order: Uint32Array) {
    this.k = k;
    for (const x of routed) if (!Number.isFinite(x)) throw new InputError('latency unknown for some results (latencyMs missing or 0): the routed p95 cannot be simulated');
    // Ranks (1-based) of the distinct values, in one pass over the sorted order.
    const values = new Float64Array(routed.length);
    this.rank = new Uint32Array(routed.length);
    let v = 0;
    for (let j = 0; j < order.length; j++) {
      const x = routed[order[j]!]!;
      if (v === 0 || values[v - 1] !== x) values[v++] = x;
      this.rank[order[j]!] = v;
    }
    this.values = values.slice(0, v);
    this.tree = new Int32Array(v + 1);
    this.target = nearestRank(0.95, n);
    this.median = nearestRank(0.5, n);
    this.top = v ? 2 ** Math.floor(Math.log2(v)) : 0;
    for (let i = 0; i < n; i++) this.add(this.rank[i * k]!, 1);
  }

  /** Item i moves from tier `from` to tier `to`. */
  move(i: number, from: number, to: number): void {
    this.add(this.rank[i * this.k + from]!, -1);
    this.add(this.rank[i * this.k + to]!, 1);
  }

  /** The current route's p95 (ms). */
  p95(): number {
    return this.atRank(this.target);
  }

  /** The current route's p50 (ms). */
  p50(): number {
    return this.atRank(this.median);
  }

  /** The routed latency of the given rank (1-based) in the current route. */
  private atRank(rank: number): number {
    // Binary lifting: the largest position whose prefix count is below the rank, + 1.
    let pos = 0;
    let rest = rank;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next < this.tree.length && this.tree[next]! < rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return this.values[pos]!;
  }

  private add(r: number, d: number): void {
    for (let x = r; x < this.tree.length; x += x & -x) this.tree[x]! += d;
  }
}
