/**
 * One TrafficRecord → the facts analyze keeps (RecordFacts), and group values
 * for --group-by. Pure.
 */
import { usdToMoney } from '../pricing/money.js';
import { promptOverOf, windowOverOf } from '../pricing/promptBounds.js';
import { isSampleRecord, type Difficulty, type TrafficRecord } from '../types.js';
import type { LabelInput, Labeler } from '../classify/types.js';
import type { RecordFacts } from './accumulate.js';
import { profileLabelInput, recordProfileFacts } from '../drift/sources.js';
import { sessionFacts } from './sessions.js';

/** Built-in group dimensions; any other name is read from the record's tags (requestMetadata). */
export const GROUP_DIMENSIONS = ['team', 'app', 'role', 'model', 'day', 'region'] as const;

export const UNTAGGED = '(untagged)';

/** The group values of every record when there is no --group-by: one array, never written to. */
const NO_GROUPS: string[] = [];

export interface FactsContext {
  labeler: Labeler;
  groupBy: string[];
  /** Measured labels by request ID (--labels). */
  measured?: Map<string, Difficulty>;
  /** --session-key: the requestMetadata key that names a request's session. */
  sessionKey?: string;
  /** The catalog's prompt bounds (src/pricing/promptBounds.ts): a request's prompt and window classes are summed apart. */
  promptBounds?: readonly number[];
}

export function recordFacts(r: TrafficRecord, ctx: FactsContext): RecordFacts {
  const t = r.tokens;
  const inputTokens = t.input + t.cacheRead + t.cacheWrite;
  const measured = r.requestId !== undefined ? ctx.measured?.get(r.requestId) : undefined;
  // One input for the labeler (this runs on every request): what it may read of the request.
  const input: LabelInput = { prompt: r.prompt, system: r.system, turns: r.turns, maxTokens: r.maxTokens, inputTokens };
  let label: Difficulty;
  let score: number;
  let predicted: Difficulty | undefined;
  let oneTurnScore: number | undefined;
  if (measured) {
    label = measured;
    score = measured === 'easy' ? 0 : measured === 'moderate' ? 0.5 : 1;
  } else if (ctx.labeler.labelWithOneTurnScore) {
    const both = ctx.labeler.labelWithOneTurnScore(input);
    label = both.label.label;
    score = both.label.score;
    predicted = both.label.label;
    oneTurnScore = both.oneTurnScore;
  } else {
    const l = ctx.labeler.label(input);
    label = l.label;
    score = l.score;
    predicted = l.label;
  }
  const groups = ctx.groupBy.length ? ctx.groupBy.map((d) => groupValue(r, d)) : NO_GROUPS;
  const facts: RecordFacts = {
    modelId: r.modelId,
    // Prices follow the source Region (cross-Region inference is billed where the call was made).
    region: r.sourceRegion ?? r.region ?? '',
    label,
    score,
    measured: measured !== undefined,
    batch: r.batch === true,
    ttl: r.cacheWriteTtl ?? '5m',
    over: ctx.promptBounds?.length ? promptOverOf(inputTokens, ctx.promptBounds) : 0,
    windowOver: ctx.promptBounds?.length ? windowOverOf(inputTokens, t.output, ctx.promptBounds) : 0,
    service: r.serviceTier ?? 'standard',
    input: t.input,
    output: t.output,
    cacheRead: t.cacheRead,
    cacheWrite: t.cacheWrite,
    groups,
    timestamp: r.timestamp,
  };
  if (t.cacheWrite1h !== undefined && t.cacheWrite1h > 0) facts.cacheWrite1h = t.cacheWrite1h;
  if (isSampleRecord(r)) facts.synthetic = true;
  // The traffic profile (drift): the labeler's own score without conversation depth (src/drift/sources.ts), reused when depth adds nothing.
  const profileScore =
    oneTurnScore ?? (predicted !== undefined && (r.turns ?? 1) <= 1 ? score : ctx.labeler.label(profileLabelInput({ prompt: r.prompt, system: r.system, maxTokens: r.maxTokens, inputTokens })).score);
  facts.profile = recordProfileFacts(r, profileScore);
  const session = sessionFacts(r, r.source.line, ctx.sessionKey);
  if (session) facts.session = session;
  if (r.reportedCostUsd !== undefined) facts.reportedCost = usdToMoney(r.reportedCostUsd);
  // With --labels, each request's task cluster and the labeler's prediction feed the stratified estimate.
  if (ctx.measured) {
    facts.stratum = { cluster: facts.profile.cluster, predicted: predicted ?? ctx.labeler.label(input).label, ...(measured ? { measured } : {}) };
  }
  // The tag keys a record does have, when a --group-by tag is missing from it: a typo shows up as keys seen.
  if (groups.includes(UNTAGGED)) facts.untaggedTagKeys = Object.keys(r.tags);
  return facts;
}

export function groupValue(r: TrafficRecord, dim: string): string {
  switch (dim) {
    case 'model':
      return r.modelId;
    case 'day':
      return r.timestamp ? r.timestamp.slice(0, 10) : '(unknown day)';
    case 'region':
      return r.region ?? '(unknown region)';
    case 'role':
      return roleOf(r.identityArn);
    default:
      return Object.hasOwn(r.tags, dim) ? (r.tags[dim] ?? UNTAGGED) : UNTAGGED;
  }
}

/** arn:aws:sts::1:assumed-role/NAME/session → NAME; arn:aws:iam::1:user/NAME → user/NAME. */
export function roleOf(arn: string | undefined): string {
  if (!arn) return '(unknown identity)';
  const resource = arn.split(':').slice(5).join(':');
  if (!resource) return arn;
  const [kind, name] = resource.split('/');
  if (kind === 'assumed-role' || kind === 'role') return name ?? resource;
  return name ? `${kind}/${name}` : resource;
}
