import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  REGION_PREFIXES,
  bedrockSourceOf,
  canonicalFromModelId,
  claudeKeyFromName,
  parseUsageType,
  splitRegionPrefix,
} from '../../src/costs/usageTypes.js';
import { BILL_USAGE_TYPES, usageTypePairs } from './usage-types.js';

const FIXTURE = new URL('../../fixtures/costs/cost-explorer.json', import.meta.url);

type Row = [service: string, usageType: string, expected: Record<string, unknown>];

const SONNET = 'Claude Sonnet 4.5 (Amazon Bedrock Edition)';
const BEDROCK = 'Amazon Bedrock';

describe('parseUsageType on the usage types of a daily Bedrock bill', () => {
  it('covers exactly the pairs in fixtures/costs/cost-explorer.json', () => {
    expect(usageTypePairs(readFileSync(FIXTURE, 'utf8'))).toEqual(BILL_USAGE_TYPES.map(([s, u]) => `${s}|${u}`).sort());
  });

  it.each(BILL_USAGE_TYPES)('%s / %s', (service, usageType, want) => {
    const p = parseUsageType(service, usageType)!;
    expect(p.category).toBe('tokens');
    expect(p.region).toBe('us-east-1');
    expect(p.modelKnown).toBe(true);
    expect(p).toMatchObject(want);
    expect(p.tokensPerUnit).toBe(service === BEDROCK ? 1e3 : 1e6);
  });
});

describe('parseUsageType on shapes seen in public Price List and Cost Explorer data', () => {
  const rows: Row[] = [
    // First-party legacy shapes
    [BEDROCK, 'USE1-NovaLite-input-tokens-batch', { model: 'amazon.nova-lite', tokenKind: 'input', tier: 'batch' }],
    [BEDROCK, 'USE1-NovaLite-input-tokens-priority', { tier: 'priority' }],
    [BEDROCK, 'USE1-Qwen3-32B-output-tokens-flex', { model: 'qwen.qwen3-32b', tokenKind: 'output', tier: 'flex' }],
    [BEDROCK, 'USE1-NovaPro-input-tokens-latency-optimized', { model: 'amazon.nova-pro', tier: 'latency-optimized' }],
    [BEDROCK, 'USE1-Llama3-1-70B-LatencyOptimized-input-tokens', { model: 'meta.llama3-1-70b-instruct', tier: 'latency-optimized' }],
    [BEDROCK, 'USE1-Llama3-3-70B-input-tokens', { model: 'meta.llama3-3-70b-instruct', modelName: 'Llama 3.3 70B' }],
    [BEDROCK, 'USE1-Llama4-Maverick-17B-input-tokens-batch', { model: 'meta.llama4-maverick-17b-instruct', tier: 'batch' }],
    [BEDROCK, 'USW2-MistralLarge2407-output-tokens', { model: 'mistral.mistral-large-2407', region: 'us-west-2', tokenKind: 'output' }],
    [BEDROCK, 'USE1-Nova2.0Lite-cache-write-input-token-count', { model: 'amazon.nova-2-lite', tokenKind: 'cacheWrite5m' }],
    [BEDROCK, 'USE1-Nova2.0Lite-input-tokens-cross-region-global-batch', { model: 'amazon.nova-2-lite', tier: 'batch', global: true }],
    [BEDROCK, 'USE1-Nova2.0Pro-text-input-tokens-priority-cross-region-global', { model: 'amazon.nova-2-pro', tier: 'priority', global: true }],
    [BEDROCK, 'USE1-Nova2.0Pro-input-image-token-count-cross-region-global', { tokenKind: 'input', modality: 'image', tier: 'global' }],
    [BEDROCK, 'USE1-NovaSonic-speech-input-tokens', { model: 'amazon.nova-sonic', modality: 'speech' }],
    [BEDROCK, 'USE1-Claude4Sonnet-cache-write-input-token-count-1-hour', { model: 'anthropic.claude-sonnet-4', tokenKind: 'cacheWrite1h' }],
    [BEDROCK, 'USE1-Claude4Sonnet-output-tokens-long-context-cross-region-global', { tokenKind: 'output', longContext: true, tier: 'global' }],
    [BEDROCK, 'EU-NovaMicro-input-tokens', { model: 'amazon.nova-micro', region: 'eu-west-1', regionPrefix: 'EU' }],
    [BEDROCK, 'APS3-NovaLite-output-tokens', { region: 'ap-south-1' }],
    [BEDROCK, 'EUC1-NovaLite-input-tokens', { region: 'eu-central-1' }],
    [BEDROCK, 'APN1-Claude3Haiku-input-tokens', { model: 'anthropic.claude-3-haiku', region: 'ap-northeast-1' }],
    // Unknown model token: kept as the token, never dropped
    [BEDROCK, 'USE1-GPT-OSS-Safeguard-20B-input-tokens-priority', { model: 'GPT-OSS-Safeguard-20B', modelKnown: false, tier: 'priority' }],
    // Mantle shapes embed the model ID
    [BEDROCK, 'USE1-openai.gpt-oss-120b-mantle-input-tokens-standard', { model: 'openai.gpt-oss-120b', tokenKind: 'input', tier: 'on-demand' }],
    [BEDROCK, 'EU-qwen.qwen3-coder-480b-a35b-instruct-mantle-input-tokens-flex', { model: 'qwen.qwen3-coder-480b-a35b-instruct', region: 'eu-west-1', tier: 'flex' }],
    [BEDROCK, 'USE1-anthropic.claude-sonnet-4-5-mantle-cache-write-tokens-1h-standard', { model: 'anthropic.claude-sonnet-4-5', tokenKind: 'cacheWrite1h' }],
    [BEDROCK, 'USE1-xai.grok-4.3-mantle-cache-read-tokens-flex', { model: 'xai.grok-4.3', tokenKind: 'cacheRead', tier: 'flex' }],
    [BEDROCK, 'USE1-openai.gpt-5.6-luna-mantle-cache-write-tokens-5m-long-ctx-flex', { tokenKind: 'cacheWrite5m', longContext: true, tier: 'flex' }],
    // Marketplace: CamelCase and snake_case
    ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE2-MP:USE2_InputTokenCount-Units', { model: 'anthropic.claude-sonnet-4-5', region: 'us-east-2', tier: 'on-demand', global: false }],
    ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_CacheWrite1hInputTokenCount_Global-Units', { tokenKind: 'cacheWrite1h', tier: 'global' }],
    ['Claude Opus 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_input_tokens_global_standard-Units', { model: 'anthropic.claude-opus-4-5', tokenKind: 'input', tier: 'global' }],
    ['Claude Opus 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_cache_write_tokens_1h_global_standard-Units', { tokenKind: 'cacheWrite1h', tier: 'global' }],
    ['Claude Opus 4.5 (Amazon Bedrock Edition)', 'APN1-MP:APN1_output_tokens_standard-Units', { tokenKind: 'output', region: 'ap-northeast-1', tier: 'on-demand' }],
    ['Claude Opus 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_cache_read_tokens_priority-Units', { tokenKind: 'cacheRead', tier: 'priority' }],
    ['Claude Sonnet 4.6 (Amazon Bedrock Edition)', 'APN2-MP:APN2_InputTokenCount_LCtx_Global-Units', { model: 'anthropic.claude-sonnet-4-6', longContext: true, region: 'ap-northeast-2' }],
    ['Claude 3.5 Sonnet v2 (Amazon Bedrock Edition)', 'USW2-MP:USW2_InputTokenCount-Units', { model: 'anthropic.claude-3-5-sonnet' }],
    ['Claude 3.7 Sonnet (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_LatencyOptimized-Units', { model: 'anthropic.claude-3-7-sonnet', tier: 'latency-optimized' }],
    ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_MillionBatchInputTokens-Units', { tokenKind: 'input', tier: 'batch' }],
    ['Jamba 1.5 Large (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount-Units', { model: 'ai21.jamba-1-5-large' }],
    ['Mystery Model 9 (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputTokenCount-Units', { model: 'Mystery Model 9', modelKnown: false, tokenKind: 'output' }],
  ];
  it.each(rows)('%s / %s', (service, usageType, want) => {
    const p = parseUsageType(service, usageType)!;
    expect(p.category).toBe('tokens');
    expect(p).toMatchObject(want);
  });

  it.each([
    [BEDROCK, 'USE1-Guardrail-AutomatedReasoningPolicyUnitsConsumed', /guardrails/],
    [BEDROCK, 'USE1-Knowledge-Base:Consumption-based:Retrieval', /knowledge bases/],
    [BEDROCK, 'USE1-NovaLite-input-tokens-custom-model', /custom-model/],
    [BEDROCK, 'USE1-NovaPro-Customization-Training', /customization/],
    [BEDROCK, 'DataTransfer-Out-Bytes', /data transfer/],
    [BEDROCK, 'USE1-NovaLite-input-tokens-wobbly', /unknown qualifier.*wobbly/],
    [SONNET, 'USE1-MP:USE1_cache_write_tokens_30m_global_standard-Units', /30m TTL/],
    [SONNET, 'USE1-MP:USE1_SomethingNew-Units', /unknown Marketplace dimension/],
    [SONNET, 'USE1-SomethingElse', /not a Marketplace token usage type/],
  ])('%s / %s is reported as unrecognized', (service, usageType, reason) => {
    const p = parseUsageType(service, usageType)!;
    expect(p.category).toBe('unrecognized');
    expect(p.reason).toMatch(reason);
  });

  it('recognizes provisioned throughput and keeps its model', () => {
    expect(parseUsageType(SONNET, 'USE1-MP:USE1_Reserved_TPM_Global-Units')).toMatchObject({ category: 'provisioned', model: 'anthropic.claude-sonnet-4-5' });
    expect(parseUsageType(BEDROCK, 'USE1-NovaLite-ProvisionedThroughput-ModelUnits')).toMatchObject({ category: 'provisioned', model: 'amazon.nova-lite' });
  });

  it('leaves other services out and keeps unknown region prefixes as prefixes', () => {
    expect(parseUsageType('Amazon Elastic Compute Cloud - Compute', 'USE1-BoxUsage:t3.micro')).toBeUndefined();
    expect(bedrockSourceOf('Amazon Bedrock AgentCore')).toBeUndefined();
    expect(parseUsageType(BEDROCK, 'ZZZ9-NovaLite-input-tokens')).toMatchObject({ regionPrefix: 'ZZZ9', category: 'tokens' });
    expect(parseUsageType(BEDROCK, 'ZZZ9-NovaLite-input-tokens')!.region).toBeUndefined();
  });

  it('uses a user model map before the tables', () => {
    expect(parseUsageType(BEDROCK, 'USE1-Mixtral8x7B-input-tokens', { Mixtral8x7B: 'mistral.mixtral-8x7b-instruct' })).toMatchObject({
      model: 'mistral.mixtral-8x7b-instruct',
      modelKnown: true,
    });
  });
});

describe('tables and rules', () => {
  it('maps region prefixes by table, including the irregular ones', () => {
    expect(REGION_PREFIXES.APS3).toBe('ap-south-1');
    expect(REGION_PREFIXES.APS1).toBe('ap-southeast-1');
    expect(REGION_PREFIXES.EU).toBe('eu-west-1');
    expect(REGION_PREFIXES.UGW1).toBe('us-gov-west-1');
    expect(splitRegionPrefix('CAN1-NovaLite-input-tokens')).toEqual({ prefix: 'CAN1', region: 'ca-central-1', body: 'NovaLite-input-tokens' });
  });

  it('derives Claude keys from both naming generations', () => {
    expect(claudeKeyFromName('Claude Opus 4.7')).toBe('anthropic.claude-opus-4-7');
    expect(claudeKeyFromName('Claude Sonnet 5')).toBe('anthropic.claude-sonnet-5');
    expect(claudeKeyFromName('Claude 3.5 Haiku')).toBe('anthropic.claude-3-5-haiku');
    expect(claudeKeyFromName('Claude Instant')).toBeUndefined();
  });

  it('canonicalizes model IDs as contracts.md says', () => {
    expect(canonicalFromModelId('anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('anthropic.claude-sonnet-4-5');
    expect(canonicalFromModelId('us.amazon.nova-lite-v1:0')).toBe('amazon.nova-lite');
    expect(canonicalFromModelId('mistral.mistral-large-2407-v1:0')).toBe('mistral.mistral-large-2407');
    expect(canonicalFromModelId('openai.gpt-oss-120b')).toBe('openai.gpt-oss-120b');
    expect(canonicalFromModelId('openai.gpt-oss-120b-1:0')).toBe('openai.gpt-oss-120b');
    expect(canonicalFromModelId('meta.llama3-1-70b-instruct-v1:0:128k')).toBe('meta.llama3-1-70b-instruct');
    expect(canonicalFromModelId('ca.amazon.nova-lite-v1:0')).toBe('amazon.nova-lite');
    expect(canonicalFromModelId('mistral.voxtral-small-24b-2507')).toBe('mistral.voxtral-small-24b-2507');
  });
});
