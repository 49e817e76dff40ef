/**
 * Saved organization usage (token) reports, JSON, one response or an array of pages:
 *  - Anthropic `GET /v1/organizations/usage_report/messages` (group_by[]=model for a model per row):
 *    `uncached_input_tokens`, `cache_creation.ephemeral_{5m,1h}_input_tokens`, `cache_read_input_tokens`,
 *    `output_tokens`, `service_tier` (batch, or priority: priced at the catalog's priority rates when it has them),
 *    `workspace_id`, `api_key_id`, and `context_window` (group_by[]=context_window:
 *    a "200k-1M" row's prompts were over 200K tokens, priced at the model's long-context rates when it has them),
 *    and `speed` (group_by[]=speed: a "fast" row is priced as the model's fast-mode variant);
 *  - OpenAI `GET /v1/organization/usage/completions` (group_by=model): `input_tokens` (cached included),
 *    `input_cached_tokens`, `output_tokens`, `input_audio_tokens`/`output_audio_tokens`, `batch`,
 *    `service_tier` (flex, priority — or fast, its name since 2026-07-30 — at those tiers' catalog rates),
 *    `project_id`, `user_id`, `api_key_id`.
 * They count tokens, not dollars: each token class becomes a billed line whose quantity is the reported
 * tokens and whose amount is that quantity at tokor's catalog list price (docs/costs.md, "Usage reports").
 * A model the catalog cannot price, audio tokens and rows without a model are listed, never priced.
 */
import { InputError } from '../../errors.js';
import type { ParsedUsageType, TokenKind, UsageTier } from '../../costs/usageTypes.js';
import type { CostGroup } from '../../costs/response.js';
import { PICO_PER_USD, builtinCatalog, fastModelId, priceTokens, resolvePrice, type Catalog } from '../../pricing/index.js';
import type { BillFormat } from './format.js';
import { readBuckets } from './vendorReports.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** A token count: a non-negative integer (0 when absent). */
function count(v: unknown, where: string, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(`${field}: ${JSON.stringify(v)} is not a token count; give the report as the API returned it`, where);
  return v;
}

const ZERO = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** Tokens of one class at the catalog's list price, or why they cannot be priced. */
function lines(
  vendor: 'anthropic' | 'openai',
  model: string | undefined,
  tier: UsageTier,
  counts: [TokenKind, number, string][],
  base: Omit<CostGroup, 'cost' | 'quantity' | 'usageType' | 'parsed' | 'unit'>,
  catalog: Catalog,
  /** The row's prompts are all over this many tokens (Anthropic's context_window "200k-1M"), else 0. */
  promptOver = 0,
): CostGroup[] {
  const out: CostGroup[] = [];
  const key = model ? `${vendor}/${model}` : undefined;
  const price = key ? resolvePrice(catalog, key)?.price : undefined;
  for (const [kind, n, field] of counts) {
    if (n === 0) continue;
    const usageType = [model ?? '(no model)', field, tier === 'batch' || tier === 'flex' || tier === 'priority' ? tier : undefined, promptOver > 0 ? `prompt over ${promptOver / 1000}K` : undefined].filter(Boolean).join(' / ');
    const common = { source: vendor, modelKnown: true, global: false, longContext: promptOver > 0, ...(key ? { model: key, modelName: model } : {}) } as const;
    let parsed: ParsedUsageType;
    let cost = 0n;
    if (!model) parsed = { ...common, category: 'unrecognized', modelKnown: false, reason: `no model: request the usage report grouped by model (${vendor === 'anthropic' ? 'group_by[]=model' : 'group_by=model'})` };
    else if (!price) parsed = { ...common, category: 'unrecognized', modelKnown: false, reason: `no catalog price for ${key}: add it with --catalog FILE to price these tokens` };
    else {
      const t = { ...ZERO, [kind === 'cacheWrite5m' || kind === 'cacheWrite1h' ? 'cacheWrite' : kind]: n };
      cost = priceTokens(t, price, { batch: tier === 'batch', ...(tier === 'flex' || tier === 'priority' ? { service: tier } : {}), cacheWriteTtl: kind === 'cacheWrite1h' ? '1h' : '5m', promptOver }).total;
      parsed = { ...common, category: 'tokens', tokenKind: kind, tier, tokensPerUnit: 1 };
    }
    out.push({ ...base, usageType, cost, quantity: BigInt(n) * PICO_PER_USD, unit: 'tokens', parsed });
  }
  return out;
}

function groupsOf(r: Obj, keys: Record<string, string>): Record<string, string> | undefined {
  const g: Record<string, string> = {};
  for (const [field, name] of Object.entries(keys)) if (typeof r[field] === 'string' && r[field] !== '') g[name] = r[field] as string;
  return Object.keys(g).length ? g : undefined;
}

export const anthropicUsageBill: BillFormat = {
  name: 'anthropic-usage',
  billedBy: 'anthropic-cost',
  label: 'Anthropic usage report (GET /v1/organizations/usage_report/messages, JSON; priced at list)',
  detect: (head) => /"starting_at"/.test(head.text) && /"results"/.test(head.text) && /"uncached_input_tokens"/.test(head.text) && !/"amount"/.test(head.text),
  read: async (files, opts) => {
    const catalog = opts.catalog ?? builtinCatalog();
    const read = await readBuckets(
      files,
      'Anthropic usage report',
      (r, _file, where) => {
        const cache = obj(r.cache_creation) ?? {};
        const logged = typeof r.model === 'string' && r.model !== '' ? r.model : undefined;
        const model = logged !== undefined && r.speed === 'fast' ? fastModelId(logged) : logged;
        const groups = groupsOf(r, { workspace_id: 'workspace', api_key_id: 'api_key' });
        const base = { provider: 'anthropic' as const, service: 'Anthropic API (usage report)', ...(groups ? { groups } : {}) };
        const priced = lines(
          'anthropic',
          model,
          r.service_tier === 'batch' ? 'batch' : r.service_tier === 'priority' ? 'priority' : 'on-demand',
          [
            ['input', count(r.uncached_input_tokens, where, 'uncached_input_tokens'), 'uncached_input_tokens'],
            ['output', count(r.output_tokens, where, 'output_tokens'), 'output_tokens'],
            ['cacheRead', count(r.cache_read_input_tokens, where, 'cache_read_input_tokens'), 'cache_read_input_tokens'],
            ['cacheWrite5m', count(cache.ephemeral_5m_input_tokens, where, 'cache_creation.ephemeral_5m_input_tokens'), 'cache_creation.ephemeral_5m_input_tokens'],
            ['cacheWrite1h', count(cache.ephemeral_1h_input_tokens, where, 'cache_creation.ephemeral_1h_input_tokens'), 'cache_creation.ephemeral_1h_input_tokens'],
          ],
          base as never,
          catalog,
          r.context_window === '200k-1M' ? 200_000 : 0,
        );
        const searches = count(obj(r.server_tool_use)?.web_search_requests, where, 'server_tool_use.web_search_requests');
        if (searches > 0) {
          priced.push({
            ...(base as never as CostGroup),
            usageType: `${model ?? '(no model)'} / web search requests`,
            cost: 0n,
            quantity: BigInt(searches) * PICO_PER_USD,
            unit: 'requests',
            parsed: { source: 'anthropic', category: 'unrecognized', modelKnown: false, global: false, longContext: false, ...(model ? { model: `anthropic/${model}` } : {}), reason: 'web search requests: not tokens, not priced by tokor' },
          });
        }
        return priced;
      },
      (b) => b.starting_at,
    );
    read.lines.notes.push('Anthropic usage report: tokens priced at tokor\'s catalog list prices (not the invoice); give the cost report for billed amounts');
    return read;
  },
};

export const openaiUsageBill: BillFormat = {
  name: 'openai-usage',
  billedBy: 'openai-cost',
  label: 'OpenAI usage (GET /v1/organization/usage/completions, JSON; priced at list)',
  detect: (head) => /"organization\.usage\.completions\.result"/.test(head.text),
  read: async (files, opts) => {
    const catalog = opts.catalog ?? builtinCatalog();
    const read = await readBuckets(
      files,
      'OpenAI usage',
      (r, _file, where) => {
        const model = typeof r.model === 'string' && r.model !== '' ? r.model : undefined;
        const input = count(r.input_tokens, where, 'input_tokens');
        const cached = count(r.input_cached_tokens, where, 'input_cached_tokens');
        if (cached > input) throw new InputError(`input_cached_tokens (${cached}) exceeds input_tokens (${input}), which includes them; give the report as the API returned it`, where);
        const groups = groupsOf(r, { project_id: 'project', user_id: 'user', api_key_id: 'api_key' });
        const base = { provider: 'openai' as const, service: 'OpenAI API (usage)', ...(groups ? { groups } : {}) };
        const priced = lines(
          'openai',
          model,
          r.batch === true ? 'batch' : r.service_tier === 'flex' || r.service_tier === 'priority' ? r.service_tier : r.service_tier === 'fast' ? 'priority' : 'on-demand',
          [
            // input_tokens includes the cached tokens: uncached input is the difference.
            ['input', input - cached, 'input_tokens − input_cached_tokens'],
            ['cacheRead', cached, 'input_cached_tokens'],
            ['output', count(r.output_tokens, where, 'output_tokens'), 'output_tokens'],
          ],
          base as never,
          catalog,
        );
        const audio = count(r.input_audio_tokens, where, 'input_audio_tokens') + count(r.output_audio_tokens, where, 'output_audio_tokens');
        if (audio > 0) {
          priced.push({
            ...(base as never as CostGroup),
            usageType: `${model ?? '(no model)'} / audio tokens`,
            cost: 0n,
            quantity: BigInt(audio) * PICO_PER_USD,
            unit: 'tokens',
            parsed: { source: 'openai', category: 'unrecognized', modelKnown: false, global: false, longContext: false, ...(model ? { model: `openai/${model}` } : {}), reason: 'audio tokens: not priced by tokor' },
          });
        }
        return priced;
      },
      (b) => b.start_time,
    );
    read.lines.notes.push('OpenAI usage: tokens priced at tokor\'s catalog list prices (not the invoice); give organization/costs for billed amounts');
    return read;
  },
};
