import { describe, expect, it } from 'vitest';
import { parseBedrockRecord } from '../../src/ingest/index.js';
import { groupValue, recordFacts } from '../../src/analyze/facts.js';
import { heuristicLabeler } from '../../src/classify/heuristic.js';

describe('cross-Region inference', () => {
  const record = parseBedrockRecord(
    {
      schemaType: 'ModelInvocationLog',
      timestamp: '2025-11-03T10:00:00Z',
      region: 'us-east-1',
      inferenceRegion: 'us-west-2',
      operation: 'Converse',
      modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      requestId: 'x',
      input: { inputTokenCount: 10 },
      output: { outputTokenCount: 2 },
    },
    { file: 'f', line: 1 },
  );

  it('keeps where it ran for grouping and where it was made for pricing', () => {
    expect(record.region).toBe('us-west-2');
    expect(record.sourceRegion).toBe('us-east-1');
    expect(groupValue(record, 'region')).toBe('us-west-2');
    expect(recordFacts(record, { labeler: heuristicLabeler, groupBy: [] }).region).toBe('us-east-1');
  });
});
