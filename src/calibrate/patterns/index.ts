/**
 * The routing patterns, by name: the registry's keys are the pattern names.
 * Adding one is a new file beside these (its PatternSpec, facts included) and
 * one line here; every caller (calibration, --apply, the gate, the config and
 * policy checks) goes through this table. Names read from files (config,
 * policy) are checked against it when read; `patternSpec` finds the entry.
 */
import type { PatternFacts } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { cascade } from './cascade.js';
import { classifier } from './classifier.js';
import { confidence } from './confidence.js';
import { scopeClassifier } from './scopeClassifier.js';
import { scopeTier } from './scopeTier.js';
import type { PatternSpec } from './types.js';

export const PATTERNS = {
  classifier,
  cascade,
  confidence,
  'scope-tier': scopeTier,
  'scope-classifier': scopeClassifier,
} as const satisfies Record<string, PatternSpec>;

export type RoutingPattern = keyof typeof PATTERNS;
export const ROUTING_PATTERNS = Object.freeze(Object.keys(PATTERNS)) as readonly [RoutingPattern, ...RoutingPattern[]];

/** Each pattern's facts, by name: the vocabulary the config and policy checks take. */
export const PATTERN_FACTS: Readonly<Record<string, PatternFacts>> = Object.freeze(Object.fromEntries(Object.entries(PATTERNS).map(([name, spec]) => [name, spec.facts])));

/** The pattern of that name (names from files were checked when read; an unknown one is a usage error). */
export function patternSpec(name: string): PatternSpec {
  if (!Object.hasOwn(PATTERNS, name)) throw new UsageError(`unknown routing pattern "${name}" (expected one of ${ROUTING_PATTERNS.join(', ')})`);
  return PATTERNS[name as RoutingPattern];
}

export function patternNeeds(name: string): { router: boolean; scopes: boolean } {
  const { router, scopes } = patternSpec(name).facts;
  return { router, scopes };
}

export type { PatternSpec } from './types.js';
