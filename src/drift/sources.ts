/**
 * What each kind of input adds to a traffic profile: a logged request, a
 * golden-dataset item; and profiles of several inputs merged into one. Pure.
 */
import type { GoldenCase } from '../eval/types.js';
import type { LabelInput, Labeler } from '../classify/types.js';
import type { TrafficRecord } from '../types.js';
import { promptOverOf } from '../pricing/promptBounds.js';
import { LENGTH_EDGES, PROFILE_VERSION, SCORE_BINS, profileFacts, type ProfileCluster, type ProfileFacts, type SpendFacts, type TrafficProfile } from './profile.js';

/**
 * What the labeler scores for a profile: the prompt, the system prompt, the
 * input size and max tokens — not the conversation depth, which logs count
 * differently per wire format (OpenAI's messages include the system prompt,
 * Bedrock's do not) and golden items rarely have: a drift it would show is
 * the format's, not the traffic's.
 */
export function profileLabelInput(r: { prompt?: string | undefined; system?: string | undefined; maxTokens?: number | undefined; inputTokens?: number | undefined }): LabelInput {
  return { ...(r.prompt !== undefined ? { prompt: r.prompt } : {}), ...(r.system !== undefined ? { system: r.system } : {}), ...(r.maxTokens !== undefined ? { maxTokens: r.maxTokens } : {}), ...(r.inputTokens !== undefined ? { inputTokens: r.inputTokens } : {}) };
}

/** A logged request's profile facts; `score` is the labeler's (its prediction). */
export function recordProfileFacts(r: Pick<TrafficRecord, 'prompt' | 'system' | 'tags' | 'tokens'>, score: number): ProfileFacts {
  const t = r.tokens;
  return profileFacts({ prompt: r.prompt, system: r.system, tags: r.tags, inputTokens: t.input + t.cacheRead + t.cacheWrite }, score);
}

/** The tokens a logged request was billed for; `bounds`: the catalog's prompt classes (promptBounds). */
export function recordSpendFacts(r: TrafficRecord, bounds: readonly number[]): SpendFacts {
  const t = r.tokens;
  const f: SpendFacts = {
    modelId: r.modelId,
    // Prices follow the source Region (as analyze prices them).
    region: r.sourceRegion ?? r.region ?? '',
    batch: r.batch === true,
    ttl: r.cacheWriteTtl ?? '5m',
    over: promptOverOf(t.input + t.cacheRead + t.cacheWrite, bounds),
    service: r.serviceTier ?? 'standard',
    input: t.input,
    output: t.output,
    cacheRead: t.cacheRead,
    cacheWrite: t.cacheWrite,
  };
  if (t.cacheWrite1h !== undefined && t.cacheWrite1h > 0) f.cacheWrite1h = t.cacheWrite1h;
  return f;
}

/**
 * A golden item as the request it stands for: its last user message is the
 * prompt (what a log's `prompt` holds), its `key:value` tags the request's
 * tags (app and team enter the signature), its length estimated from text.
 */
export function caseProfileFacts(c: GoldenCase, labeler: Labeler): ProfileFacts {
  const msgs = c.input.messages;
  const prompt = [...msgs].reverse().find((m) => m.role === 'user')?.content ?? msgs[msgs.length - 1]?.content ?? '';
  const system = c.input.system;
  const tags: Record<string, string> = {};
  for (const t of c.tags ?? []) {
    const i = t.indexOf(':');
    if (i > 0) tags[t.slice(0, i)] = t.slice(i + 1);
  }
  const chars = (system?.length ?? 0) + msgs.reduce((s, m) => s + m.content.length, 0);
  const score = labeler.label(profileLabelInput({ prompt, system, inputTokens: Math.ceil(chars / 4) })).score;
  return profileFacts({ prompt, system, tags }, score);
}

/** Several profiles (current traffic in several files) as one: clusters merged by signature. */
export function mergeProfiles(profiles: readonly TrafficProfile[]): TrafficProfile {
  if (profiles.length === 1) return profiles[0]!;
  const clusters = new Map<string, ProfileCluster>();
  let restClusters = 0;
  let restRequests = 0;
  let restSpend: number | null = null;
  let spend: number | null = null;
  const addUsd = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);
  for (const p of profiles) {
    spend = addUsd(spend, p.spendUsd);
    for (const c of p.clusters) {
      const t = clusters.get(c.signature);
      if (t) {
        t.requests += c.requests;
        t.spendUsd = addUsd(t.spendUsd, c.spendUsd);
      } else clusters.set(c.signature, { ...c });
    }
    if (p.rest) {
      restClusters += p.rest.clusters;
      restRequests += p.rest.requests;
      restSpend = addUsd(restSpend, p.rest.spendUsd);
    }
  }
  const labelers = [...new Set(profiles.map((p) => p.labeler))];
  return {
    version: PROFILE_VERSION,
    labeler: labelers.join(' + '),
    requests: profiles.reduce((s, p) => s + p.requests, 0),
    spendUsd: spend,
    clusters: [...clusters.values()].sort((a, b) => b.requests - a.requests || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0)),
    rest: restClusters ? { clusters: restClusters, requests: restRequests, spendUsd: restSpend } : null,
    score: Array.from({ length: SCORE_BINS }, (_, i) => profiles.reduce((s, p) => s + p.score[i]!, 0)),
    promptLength: {
      edges: [...LENGTH_EDGES],
      counts: LENGTH_EDGES.map((_, i) => profiles.reduce((s, p) => s + p.promptLength.counts[i]!, 0)),
      fromText: profiles.reduce((s, p) => s + p.promptLength.fromText, 0),
      fromTokens: profiles.reduce((s, p) => s + p.promptLength.fromTokens, 0),
    },
  };
}
