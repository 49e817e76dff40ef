/**
 * Claude on Vertex AI (#16.5 with #15.6): Vertex request-response rows of claude-sonnet-4-6 (an
 * Anthropic Messages response) and a Google Cloud billing export with Claude SKUs
 * (fixtures/costs/vertex-claude). The logs key Claude as vertex/claude-sonnet-4-6 — billed by Google, priced by
 * the Vertex catalog's Claude rows (the Anthropic list price) — so reconciliation matches it with the gcp bill,
 * not with an Anthropic bill. Hand-computed at $3 in / $15 out / $0.30 cache read / $3.75 5m write / $6 1h write:
 *   2025-11-10  100k in $0.30 + 20k out $0.30 + 200k read $0.06 + 40k 5m write $0.15 = $0.81
 *   2025-11-11   50k in $0.15 + 10k out $0.15 + 10k 1h write $0.06               = $0.36
 * and Gemini 2.5 Flash on 2025-11-11: 1M in $0.30 + 100k out $0.25 = $0.55. The bill has the same lines.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const LOGS = 'fixtures/costs/vertex-claude/logs.jsonl';
const BILL = 'fixtures/costs/vertex-claude/gcp-billing.jsonl';

describe('Claude on Vertex: logs and Google bill on the same key (built CLI)', () => {
  it('prices the Vertex rows to the cent and reconciles Claude under gcp', async () => {
    const r = await runCli(['analyze', LOGS, '--bill', BILL, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const claude = out.byModel.find((m: { modelKey: string }) => m.modelKey === 'vertex/claude-sonnet-4-6');
    expect(claude).toMatchObject({ model: 'vertex/claude-sonnet-4-6', costUsd: 1.17 });
    expect(claude.costByTokenKind).toEqual({ input: 0.45, output: 0.45, cacheRead: 0.06, cacheWrite5m: 0.15, cacheWrite1h: 0.06 });
    expect(claude.tokens).toMatchObject({ input: 150000, output: 30000, cacheRead: 200000 });
    const rec = out.reconciliation;
    expect(rec.byProvider).toEqual([{ provider: 'gcp', billedUsd: 1.72, loggedUsd: 1.72, explainedUsd: 1.72, coverage: 1, period: { start: '2025-11-10', end: '2025-11-12' } }]);
    expect(rec.byModel.map((m: { modelKey: string; billedUsd: number; loggedUsd: number }) => [m.modelKey, m.billedUsd, m.loggedUsd])).toEqual([
      ['vertex/claude-sonnet-4-6', 1.17, 1.17],
      ['vertex/gemini-2.5-flash', 0.55, 0.55],
    ]);
    expect(rec.byTokenKind).toEqual([
      { tokenKind: 'input', billedUsd: 0.75, loggedUsd: 0.75, deltaUsd: 0 },
      { tokenKind: 'output', billedUsd: 0.7, loggedUsd: 0.7, deltaUsd: 0 },
      { tokenKind: 'cacheRead', billedUsd: 0.06, loggedUsd: 0.06, deltaUsd: 0 },
      { tokenKind: 'cacheWrite5m', billedUsd: 0.15, loggedUsd: 0.15, deltaUsd: 0 },
      { tokenKind: 'cacheWrite1h', billedUsd: 0.06, loggedUsd: 0.06, deltaUsd: 0 },
    ]);
    expect(rec.notes.join('\n')).not.toMatch(/not in the bill/);
  });

  it('the billing export alone: Claude SKUs are Vertex models with their token classes', async () => {
    const r = await runCli(['costs', '--from-file', BILL, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const usd = (kind: string) => j.billed.byModel.find((m: { model: string; tokenClass: string }) => m.model === 'vertex/claude-sonnet-4-6' && m.tokenClass === kind)?.usd;
    expect([usd('input'), usd('output'), usd('cacheRead'), usd('cacheWrite5m'), usd('cacheWrite1h')]).toEqual([0.45, 0.45, 0.06, 0.15, 0.06]);
    expect(j.unrecognizedUsageTypes).toEqual([]);
  });
});
