/** Parsers for flag values shared by several commands. Errors are UsageErrors (exit 2). */
import { InvalidArgumentError } from 'commander';
import type { TierConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';

/** "cheap=us.amazon.nova-lite-v1:0,frontier=us.anthropic…" → a ladder, cheapest first. */
export function parseTiersFlag(spec: string): TierConfig[] {
  const tiers = spec.split(',').map((part) => {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const model = part.slice(eq + 1).trim();
    if (eq <= 0 || !name || !model) throw new UsageError(`--tiers: expected name=model pairs separated by commas, cheapest first; got "${part}"`);
    return { name, provider: 'bedrock' as const, model };
  });
  if (tiers.length < 2) throw new UsageError('--tiers: a ladder needs at least two tiers (cheapest first, frontier last)');
  // As the config file's tiers: each name once, or "priced on cheap" could mean either model.
  const twice = tiers.find((t, i) => tiers.findIndex((u) => u.name === t.name) !== i);
  if (twice) throw new UsageError(`--tiers: duplicate tier name "${twice.name}"; name each tier once (e.g. cheap=…,mid=…,frontier=…)`);
  return tiers;
}

/** commander argParser for positive integers. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** commander argParser for non-negative integers. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/** commander argParser for a fraction in (0,1). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

/**
 * The argParsers whose value accumulates when the flag is repeated. Every other
 * flag that takes a value may be given once: program.ts refuses a second one, so
 * that no value is silently dropped (`--catalog a --catalog b` reads both;
 * `--config a --config b` is an error).
 */
const ACCUMULATING = new WeakSet<object>();

/** Whether a flag with this argParser accumulates its repeats. */
export function accumulates(parser: unknown): boolean {
  return typeof parser === 'function' && ACCUMULATING.has(parser);
}

/** commander argParser of a repeatable flag: every value, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
ACCUMULATING.add(collect);

/** commander argParser of a repeatable comma-separated flag: "a,b , c" → ["a","b","c"], appended to earlier ones. */
export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}
ACCUMULATING.add(list);

/** commander argParser for any finite number. */
export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/** commander argParser for a duration in milliseconds: > 0, or ≥ 0 with `zero`. */
export function milliseconds(zero = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!zero && n === 0)) throw new InvalidArgumentError(`expected milliseconds, a number ${zero ? '≥ 0' : 'above 0'}`);
    return n;
  };
}
