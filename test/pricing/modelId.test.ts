import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalModelKey, fastModelId, parseModelId } from '../../src/pricing/index.js';

// Real IDs as Bedrock invocation logs, gateways and the AWS docs spell them.
const TABLE: [string, string][] = [
  // contract examples
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['us.amazon.nova-lite-v1:0', 'amazon.nova-lite'],
  ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku'],
  ['meta.llama3-1-70b-instruct-v1:0', 'meta.llama3-1-70b-instruct'],
  ['mistral.mistral-large-2407-v1:0', 'mistral.mistral-large-2407'],
  // bare IDs with version suffixes and date stamps
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet'],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-3-5-sonnet'],
  ['anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-3-5-haiku'],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic.claude-3-7-sonnet'],
  ['anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic.claude-sonnet-4'],
  ['anthropic.claude-opus-4-20250514-v1:0', 'anthropic.claude-opus-4'],
  ['anthropic.claude-opus-4-1-20250805-v1:0', 'anthropic.claude-opus-4-1'],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5'],
  ['anthropic.claude-opus-4-5-20251101-v1:0', 'anthropic.claude-opus-4-5'],
  ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'anthropic.claude-3-haiku'],
  ['anthropic.claude-3-sonnet-20240229-v1:0:28k', 'anthropic.claude-3-sonnet'],
  ['amazon.nova-pro-v1:0:300k', 'amazon.nova-pro'],
  ['amazon.nova-micro-v1:0', 'amazon.nova-micro'],
  ['amazon.nova-premier-v1:0', 'amazon.nova-premier'],
  ['amazon.titan-text-express-v1', 'amazon.titan-text-express'],
  ['meta.llama3-1-8b-instruct-v1:0', 'meta.llama3-1-8b-instruct'],
  ['meta.llama3-3-70b-instruct-v1:0', 'meta.llama3-3-70b-instruct'],
  ['meta.llama4-scout-17b-instruct-v1:0', 'meta.llama4-scout-17b-instruct'],
  ['meta.llama4-maverick-17b-instruct-v1:0', 'meta.llama4-maverick-17b-instruct'],
  ['mistral.mistral-7b-instruct-v0:2', 'mistral.mistral-7b-instruct'],
  ['mistral.mixtral-8x7b-instruct-v0:1', 'mistral.mixtral-8x7b-instruct'],
  ['mistral.mistral-large-2402-v1:0', 'mistral.mistral-large-2402'],
  ['mistral.mistral-small-2402-v1:0', 'mistral.mistral-small-2402'],
  ['mistral.pixtral-large-2502-v1:0', 'mistral.pixtral-large-2502'],
  ['openai.gpt-oss-120b-1:0', 'openai.gpt-oss-120b'],
  ['cohere.command-r-plus-v1:0', 'cohere.command-r-plus'],
  // cross-region inference profile IDs
  ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-3-5-sonnet'],
  ['jp.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5'],
  ['au.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['us-gov.anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku'],
  ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['global.anthropic.claude-opus-4-5-20251101-v1:0', 'anthropic.claude-opus-4-5'],
  ['apac.amazon.nova-micro-v1:0', 'amazon.nova-micro'],
  ['eu.mistral.pixtral-large-2502-v1:0', 'mistral.pixtral-large-2502'],
  ['us.meta.llama4-maverick-17b-instruct-v1:0', 'meta.llama4-maverick-17b-instruct'],
  ['US.Anthropic.Claude-3-Haiku-20240307-V1:0', 'anthropic.claude-3-haiku'],
  // ARNs
  ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku'],
  ['arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-lite-v1:0', 'amazon.nova-lite'],
  ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5'],
  ['arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5'],
  ['arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet'],
  // gateways (LiteLLM, Azure, Vertex)
  ['bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-3-5-sonnet'],
  ['bedrock/converse/amazon.nova-lite-v1:0', 'amazon.nova-lite'],
  ['bedrock/us-east-1/mistral.mixtral-8x7b-instruct-v0:1', 'mistral.mixtral-8x7b-instruct'],
  ['gpt-4o', 'openai/gpt-4o'],
  ['gpt-4o-2024-08-06', 'openai/gpt-4o'],
  ['gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini'],
  ['openai/gpt-4.1-mini-2025-04-14', 'openai/gpt-4.1-mini'],
  ['o3-2025-04-16', 'openai/o3'],
  ['o4-mini', 'openai/o4-mini'],
  ['azure/gpt-4o', 'azure-openai/gpt-4o'],
  ['azure-openai/gpt-4.1', 'azure-openai/gpt-4.1'],
  ['azure_openai/gpt-4o-mini', 'azure-openai/gpt-4o-mini'],
  ['gemini-2.5-flash', 'vertex/gemini-2.5-flash'],
  ['gemini-2.0-flash-001', 'vertex/gemini-2.0-flash'],
  ['gemini-2.0-flash-lite-001', 'vertex/gemini-2.0-flash-lite'],
  // A dated preview keys as its preview (no GA row stands in for it: previews were priced apart).
  ['gemini-3-flash-preview-09-2025', 'vertex/gemini-3-flash-preview'],
  ['gemini-2.5-flash-lite-preview-06-17', 'vertex/gemini-2.5-flash-lite-preview'],
  ['google/gemini-3.1-pro-preview-02-19', 'vertex/gemini-3.1-pro-preview'],
  ['vertex_ai/gemini-2.5-pro', 'vertex/gemini-2.5-pro'],
  ['google/gemini-2.5-flash-lite', 'vertex/gemini-2.5-flash-lite'],
  ['models/gemini-2.5-flash', 'vertex/gemini-2.5-flash'],
  ['projects/p1/locations/us-central1/publishers/google/models/gemini-2.0-flash-001', 'vertex/gemini-2.0-flash'],
  // Claude on Vertex AI is billed by Google: Vertex's @date form, publisher paths and vertex_ai/ routes key as vertex/claude-….
  ['claude-sonnet-4-5@20250929', 'vertex/claude-sonnet-4-5'],
  ['claude-3-5-sonnet-v2@20241022', 'vertex/claude-3-5-sonnet-v2'],
  ['projects/p1/locations/us-east5/publishers/anthropic/models/claude-opus-4-1@20250805', 'vertex/claude-opus-4-1'],
  ['publishers/anthropic/models/claude-opus-4-6', 'vertex/claude-opus-4-6'],
  ['vertex_ai/claude-haiku-4-5@20251001', 'vertex/claude-haiku-4-5'],
  ['claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5'],
  // the Claude generations of 2026: undated API IDs, dated snapshots, Claude Code's [1m] tag, gateways' dotted versions
  ['claude-opus-5-5', 'anthropic/claude-opus-5-5'],
  ['claude-opus-5-5-20260922', 'anthropic/claude-opus-5-5'],
  ['claude-fable-5-2', 'anthropic/claude-fable-5-2'],
  ['claude-mythos-5-1', 'anthropic/claude-mythos-5-1'],
  ['claude-opus-5-5[1m]', 'anthropic/claude-opus-5-5'],
  ['claude-opus-4-6[1m]', 'anthropic/claude-opus-4-6'],
  ['anthropic/claude-opus-5.5', 'anthropic/claude-opus-5-5'],
  ['anthropic/claude-fable-5.2', 'anthropic/claude-fable-5-2'],
  ['claude-opus-4.7', 'anthropic/claude-opus-4-7'],
  ['claude-3.5-sonnet', 'anthropic/claude-3-5-sonnet'],
  ['anthropic.claude-opus-4-6-v1', 'anthropic.claude-opus-4-6'],
  ['anthropic.claude-sonnet-4-6', 'anthropic.claude-sonnet-4-6'],
  ['global.anthropic.claude-fable-5-2', 'anthropic.claude-fable-5-2'],
  ['us.anthropic.claude-opus-5-5', 'anthropic.claude-opus-5-5'],
  ['global.anthropic.claude-opus-5-5[1m]', 'anthropic.claude-opus-5-5'],
  ['us.anthropic.claude-opus-5-5:1m', 'anthropic.claude-opus-5-5'],
  ['jp.anthropic.claude-haiku-5-5', 'anthropic.claude-haiku-5-5'],
  ['arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-opus-5-5', 'anthropic.claude-opus-5-5'],
  ['global.amazon.nova-2-lite-v1:0', 'amazon.nova-2-lite'],
  ['deepseek.r1-v1:0', 'deepseek.r1'],
];

describe('canonicalModelKey', () => {
  it.each(TABLE)('%s → %s', (id, key) => {
    expect(canonicalModelKey(id)).toBe(key);
  });

  it('keeps ARNs that name no model as they are, flagged for the modelMap', () => {
    const arns = [
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6',
      'arn:aws:bedrock:us-east-1:111122223333:prompt-router/abcdefgh1234',
      'arn:aws:bedrock:us-east-1:111122223333:default-prompt-router/anthropic.claude:1',
      'arn:aws:bedrock:us-west-2:111122223333:provisioned-model/xyz123',
    ];
    for (const arn of arns) {
      const p = parseModelId(arn);
      expect(p.key).toBe(arn);
      expect(p.needsMapping).toBe(true);
      expect(p.region).toMatch(/^us-(east-1|west-2)$/);
    }
  });
});

describe('parseModelId', () => {
  it('keeps the profile prefix, the ARN region and the dated key', () => {
    const p = parseModelId('arn:aws:bedrock:eu-west-3:111122223333:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0');
    expect(p).toMatchObject({
      key: 'anthropic.claude-3-5-sonnet',
      datedKey: 'anthropic.claude-3-5-sonnet-20240620',
      profile: 'eu',
      region: 'eu-west-3',
      provider: 'bedrock',
      arnResource: 'inference-profile',
      needsMapping: false,
    });
    expect(parseModelId('global.amazon.nova-2-lite-v1:0').profile).toBe('global');
    expect(parseModelId('anthropic.claude-3-haiku-20240307-v1:0').profile).toBeUndefined();
    expect(parseModelId('gpt-4o-2024-05-13').datedKey).toBe('openai/gpt-4o-2024-05-13');
  });

  it('does not mistake a foundation model for a profile', () => {
    // "us" would only be a prefix with at least two more dot-separated parts
    expect(parseModelId('amazon.nova-lite-v1:0').profile).toBeUndefined();
    expect(canonicalModelKey('unknown-model')).toBe('unknown-model');
  });
});

describe('canonicalModelKey properties', () => {
  const vendor = fc.constantFrom('anthropic', 'amazon', 'meta', 'mistral', 'cohere');
  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,3}$/).filter((n) => !/-v\d+$|-\d{8}$|-\d+$/.test(n));
  const date = fc.option(fc.integer({ min: 20230101, max: 20291231 }).map((d) => `-${d}`), { nil: '' });
  const version = fc.constantFrom('', '-v1', '-v1:0', '-v2:0', '-v1:0:200k', '-v1:0:1m', ':0', '-v0:2');
  const prefix = fc.constantFrom('', 'us.', 'eu.', 'apac.', 'jp.', 'au.', 'us-gov.', 'global.');

  it('every spelling of a model — bare, profile, foundation-model ARN, inference-profile ARN — has the same idempotent key', () => {
    fc.assert(
      fc.property(vendor, name, date, version, prefix, (v, n, d, ver, pre) => {
        const id = `${v}.${n}${d}${ver}`;
        const key = `${v}.${n}`;
        expect(canonicalModelKey(id)).toBe(key);
        expect(canonicalModelKey(`${pre}${id}`)).toBe(key);
        expect(canonicalModelKey(`arn:aws:bedrock:us-west-2::foundation-model/${id}`)).toBe(key);
        expect(canonicalModelKey(`arn:aws:bedrock:us-west-2:111122223333:inference-profile/${pre}${id}`)).toBe(key);
        expect(canonicalModelKey(key)).toBe(key);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('version suffixes next to numbers', () => {
  it('strips "-1:0" after a named segment only', () => {
    expect(canonicalModelKey('openai.gpt-oss-20b-1:0')).toBe('openai.gpt-oss-20b');
    expect(canonicalModelKey('anthropic.claude-sonnet-4-6:0')).toBe('anthropic.claude-sonnet-4-6');
    expect(canonicalModelKey('anthropic.claude-sonnet-4-6')).toBe('anthropic.claude-sonnet-4-6');
    expect(parseModelId('anthropic.claude-3-haiku-20240307-v1:0').datedKey).toBe('anthropic.claude-3-haiku-20240307');
  });
});

describe('numeric name segments', () => {
  it('keeps a 4-digit release in the name even with a bare ":0" suffix', () => {
    expect(canonicalModelKey('mistral.mistral-large-2407:0')).toBe('mistral.mistral-large-2407');
  });
});

describe('fastModelId', () => {
  it('puts -fast after the model, before a date or a [1m] tag, and keys as the gateways\' fast IDs do', () => {
    expect(fastModelId('claude-opus-5-5')).toBe('claude-opus-5-5-fast');
    expect(fastModelId('claude-opus-4-6-20260205')).toBe('claude-opus-4-6-fast-20260205');
    expect(fastModelId('claude-opus-4-6[1m]')).toBe('claude-opus-4-6-fast[1m]');
    expect(fastModelId('claude-opus-5-fast-20260723')).toBe('claude-opus-5-fast-20260723');
    for (const id of ['claude-opus-4-6-20260205', 'claude-opus-4-6[1m]', 'anthropic/claude-opus-4.6']) expect(canonicalModelKey(fastModelId(id))).toBe('anthropic/claude-opus-4-6-fast');
    expect(canonicalModelKey('anthropic/claude-opus-5-fast-20260723')).toBe('anthropic/claude-opus-5-fast');
    expect(canonicalModelKey('claude-opus-4-6-20260205-fast')).toBe('anthropic/claude-opus-4-6-fast');
  });
});
