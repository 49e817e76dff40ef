/**
 * The tiers of a run: which tiers of the ladder (or one ad-hoc tier) with the
 * run's overrides, the judge tier, and a tier config with its client as the
 * runner uses it.
 */
import { DEFAULT_TIERS, type TierConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { ModelClient } from './provider.js';
import type { TierRun } from './runItems.js';

/** The flags that pick and override tiers (`tokor eval`, `tokor label`). */
export interface TierFlags {
  /** A tier name, a comma-separated list, or "all" (default). */
  tier?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** Tier that runs llm-judge graders (default: the ladder's last tier). */
  judgeTier?: string | undefined;
}

/**
 * The tiers a run uses: the ladder's (all, one, or a comma list), or one
 * ad-hoc tier from --model; then --provider/--region/--profile/--endpoint-url
 * override each. `replayDefault` turns the provider to replay when no
 * --provider was given (bundled datasets with no --dataset); `adHoc` says
 * whether the command takes --model, so that an unknown tier's message
 * suggests it only where it exists (eval, not label).
 */
export function resolveTiers(ladder: TierConfig[], o: TierFlags, { replayDefault = false, adHoc = true }: { replayDefault?: boolean; adHoc?: boolean } = {}): TierConfig[] {
  if (o.endpointUrl !== undefined) {
    try {
      new URL(o.endpointUrl);
    } catch {
      throw new UsageError(`--endpoint-url must be a URL, got "${o.endpointUrl}"`);
    }
  }
  const names = ladder.map((t) => t.name);
  let selected: TierConfig[];
  if (o.model !== undefined) {
    const name = o.tier && o.tier !== 'all' ? o.tier : 'adhoc';
    const base = ladder.find((t) => t.name === name);
    selected = [{ ...(base ?? { name, provider: o.provider ?? 'bedrock' }), model: o.model }];
  } else if (o.tier === undefined || o.tier === 'all') {
    selected = ladder;
  } else {
    selected = o.tier.split(',').map((n) => {
      const t = ladder.find((x) => x.name === n.trim());
      if (!t) throw new UsageError(`unknown tier "${n.trim()}" (tiers: ${names.join(', ')}, all)${adHoc ? '; use --provider and --model for an ad-hoc tier' : ''}`);
      return t;
    });
  }
  const provider = o.provider ?? (replayDefault ? 'replay' : undefined);
  return selected.map((t) => ({
    ...t,
    ...(provider ? { provider } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.endpointUrl !== undefined ? { endpointUrl: o.endpointUrl, ...((provider ?? t.provider) === 'openai' ? { baseUrl: o.endpointUrl } : {}) } : {}),
    ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
    ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
  }));
}

export /**
 * The bundled recordings are answers of the default ladder's models: replaying
 * them for tiers configured with other models would report the wrong models.
 */
function checkBundledLadder(tiers: TierConfig[], configFile: string | undefined): void {
  const differs = tiers.filter((t) => DEFAULT_TIERS.find((d) => d.name === t.name)?.model !== t.model);
  if (!differs.length) return;
  const yours = differs.map((t) => `${t.name}: ${t.model}`).join(', ');
  throw new UsageError(
    `${configFile ? `${configFile} sets tiers` : 'the tiers'} (${yours}) that the bundled sample recordings do not cover: add --dataset FILE to evaluate them (or --provider replay to replay the sample recordings anyway)`,
  );
}

/** A tier config and its client as the runner uses them. */
export function tierRun(t: TierConfig, client: ModelClient): TierRun {
  return {
    name: t.name,
    model: t.model,
    client,
    ...(t.region ? { region: t.region } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
    ...(t.priceAs ? { priceAs: t.priceAs } : {}),
    ...(t.maxTokens !== undefined ? { maxTokens: t.maxTokens } : {}),
    ...(t.temperature !== undefined ? { temperature: t.temperature } : {}),
  };
}

/** The run's tiers in ladder order (ad-hoc tiers last). */
export function tiersInLadderOrder(ladder: TierConfig[], runs: TierRun[]): string[] {
  const names = ladder.map((t) => t.name);
  return runs.map((r) => r.name).sort((a, b) => (names.indexOf(a) === -1 ? 1e9 : names.indexOf(a)) - (names.indexOf(b) === -1 ? 1e9 : names.indexOf(b)));
}

/** The tier that runs llm-judge graders: --judge-tier, else the frontier tier, with the run's overrides. */
export function resolveJudgeTier(ladder: TierConfig[], o: TierFlags, bundled: boolean): TierConfig {
  const name = o.judgeTier ?? ladder[ladder.length - 1]!.name;
  const t = ladder.find((x) => x.name === name);
  if (!t) throw new UsageError(`unknown judge tier "${name}" (tiers: ${ladder.map((x) => x.name).join(', ')})`);
  // The judge follows the run's endpoint/region/profile; on a replayed bundled run it stays live only if --provider says so.
  return resolveTiers([t], { tier: t.name, provider: o.provider, region: o.region, profile: o.profile, endpointUrl: o.endpointUrl }, { replayDefault: bundled })[0]!;
}

