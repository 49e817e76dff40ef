/**
 * The routing patterns, by name. Adding one is a new file beside these, one
 * line here and its entry (what a saved route needs, what its thresholds may
 * be) in config/schema.ts PATTERN_FACTS, whose keys are the pattern names:
 * `satisfies` makes the compiler name a pattern without an implementation,
 * and every caller (calibration, --apply, the gate) goes through this table.
 */
import type { RoutingPattern } from '../../config/schema.js';
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
} as const satisfies Record<RoutingPattern, PatternSpec>;

export type { PatternSpec,    } from './types.js';
