/**
 * LiteLLM's own cost figure (#15.4): SpendLogs `spend` kept as the gateway's figure and set beside tokor's
 * price of the same requests (gatewayCost in the JSON, a line in the table). fixtures/ingest/litellm-spend:
 * gpt-4o 1M in + 100k out = $3.50 at tokor's price (gateway $3.60), Sonnet 4.6 1M + 100k = $4.50 (gateway
 * $4.50), a model tokor cannot price ($0.25 by the gateway).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FILE = 'fixtures/ingest/litellm-spend/spendlogs.jsonl';

describe('gateway cost beside tokor’s (built CLI)', () => {
  it('LiteLLM SpendLogs: spend summed exactly and compared on the requests tokor prices', async () => {
    const r = await runCli(['analyze', FILE, '--format', 'json']);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout).gatewayCost;
    expect(g).toEqual({
      requests: 3,
      reportedUsd: 8.35,
      tokorUsd: 8,
      deltaUsd: 0.1,
      unpricedRequests: 1,
      byModel: [
        { model: 'anthropic/claude-sonnet-4-6', modelKey: 'anthropic/claude-sonnet-4-6', requests: 1, reportedUsd: 4.5, tokorUsd: 4.5, deltaUsd: 0 },
        { model: 'openai/gpt-4o-2024-08-06', modelKey: 'openai/gpt-4o', requests: 1, reportedUsd: 3.6, tokorUsd: 3.5, deltaUsd: 0.1 },
        { model: 'acme/acme-private-model', modelKey: null, requests: 1, reportedUsd: 0.25, tokorUsd: null, deltaUsd: null },
      ],
    });
    const table = await runCli(['analyze', FILE], { env: { COLUMNS: '200' } });
    expect(table.stdout).toContain("Gateway's own cost (LiteLLM spend): $8.35 for 3 requests; on the 2 tokor prices, the gateway says $8.10 and tokor $8.00: more by $0.1000 (+1.3%); 1 of them have no tokor price.");
  });

  it('logs without a gateway cost have no gatewayCost key', async () => {
    const r = await runCli(['analyze', 'fixtures/ingest/bedrock-bodies.jsonl', '--format', 'json']);
    expect(JSON.parse(r.stdout).gatewayCost).toBeUndefined();
  });
});
