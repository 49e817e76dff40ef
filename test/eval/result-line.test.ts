/**
 * The results line and its serializer side by side: every line `resultLine`
 * builds — and every line the runner hands out — takes the fast path of
 * `resultJson` (a field added to one and not the other would silently fall
 * back to JSON.stringify: this fails instead), and writes JSON.stringify's text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastResultJson, resultLine, RESULT_KEYS } from '../../src/eval/resultLine.js';
import { runItems, type RunItem, type TierRun } from '../../src/eval/runItems.js';
import type { InvokeResult, ModelClient } from '../../src/eval/provider.js';
import { TransientError } from '../../src/eval/provider.js';
import { resultArbitraries } from '../helpers/resultArbitraries.js';

const { body, identity } = resultArbitraries();

describe('resultLine and resultJson', () => {
  it('every line resultLine builds takes the fast path and writes what JSON.stringify writes', () => {
    fc.assert(
      fc.property(identity, body, (id, b) => {
        const line = resultLine(id, b);
        const fast = fastResultJson(line);
        expect(fast).toBeDefined();
        expect(fast).toBe(JSON.stringify(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('a line with every optional key has them in RESULT_KEYS order, and takes the fast path', () => {
    const line = resultLine(
      { datasetId: 'd', case: { id: 'i', task: 't', category: 'c' }, tier: { name: 'cheap' } },
      { model: 'm', pass: true, score: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.1, latencyMs: 3, output: 'o', graders: [], error: 'e', confidence: 0.5, invokedModel: 'x', source: 'live' },
    );
    expect(Object.keys(line)).toEqual([...RESULT_KEYS]);
    expect(fastResultJson(line)).toBe(JSON.stringify(line));
  });

  it('the lines the runner hands out (answers, cached, failures) take the fast path', async () => {
    let calls = 0;
    const client: ModelClient = {
      provider: 'bedrock',
      model: 'm',
      invoke: async (req): Promise<InvokeResult> => {
        calls++;
        if (req.input.messages[0]!.content === 'q1') throw new TransientError('boom');
        return { output: 'A', usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, latencyMs: 2, confidence: 0.7, invokedModel: 'routed' };
      },
    };
    const tier: TierRun = { name: 't', model: 'm', client };
    const items: RunItem[] = ['q0', 'q1', 'q2'].map((id) => ({ datasetId: 'ds', case: { id, input: { messages: [{ role: 'user', content: id }] }, expected: 'A', task: 'x', category: 'y' }, tier }));
    const lines: unknown[] = [];
    await runItems(items, {
      concurrency: 2,
      timeoutMs: 1000,
      retries: 0,
      grade: () => ({ pass: true, score: 1, graders: [{ grader: 'exact', pass: true, score: 1, reason: 'ok' }] }),
      price: () => null,
      onResult: (r) => lines.push(r),
    });
    expect(calls).toBe(3);
    expect(lines).toHaveLength(3);
    for (const r of lines) expect(fastResultJson(r as never)).toBe(JSON.stringify(r));
  });
});
