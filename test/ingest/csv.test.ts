import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { MAX_RECORD_LINES, parseCsvMap } from '../../src/ingest/index.js';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { collect, fixture, recordsOf, skipsOf } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseCsvMap', () => {
  it('parses fields, tag.NAME=COLUMN, tag=COLUMN and bare columns', () => {
    expect(parseCsvMap('model=model_id, input=prompt_tokens,cache_read=hits,tag.team=team_col,tag=app,repo,')).toEqual({
      fields: { model: 'model_id', input: 'prompt_tokens', cacheRead: 'hits' },
      tags: { team: 'team_col', app: 'app', repo: 'repo' },
    });
    expect(parseCsvMap(undefined)).toEqual({ fields: {}, tags: {} });
    expect(parseCsvMap('')).toEqual({ fields: {}, tags: {} });
  });

  it('rejects unknown fields, empty names and duplicates with a UsageError', () => {
    expect(() => parseCsvMap('modle=x')).toThrow(UsageError);
    expect(() => parseCsvMap('modle=x')).toThrow('--map: unknown field "modle" in "modle=x"; fields are model, input, output');
    expect(() => parseCsvMap('model=')).toThrow('--map: "model=" has no column name after "="');
    expect(() => parseCsvMap('=x')).toThrow('has no field name');
    expect(() => parseCsvMap('tag.=x')).toThrow('empty tag name');
    expect(() => parseCsvMap('model=a,model=b')).toThrow('field "model" is mapped twice');
  });
});

describe('CSV traffic', () => {
  it('guesses common column names; prompt_tokens includes cached_tokens; tag columns become tags', async () => {
    const evs = await collect(readTraffic([fixture('usage.csv')]));
    expect(skipsOf(evs)).toEqual([]);
    const recs = recordsOf(evs);
    expect(recs).toHaveLength(3);
    expect(recs[0]).toEqual({
      source: { file: fixture('usage.csv'), line: 2 },
      modelId: 'gpt-4o',
      requestId: 'csv-1',
      timestamp: '2025-11-03T10:00:00.000Z',
      tokens: { input: 200, output: 300, cacheRead: 1000, cacheWrite: 0 },
      tags: { team: 'support', app: 'triage-bot' },
    });
    expect(recs[2]).toMatchObject({
      source: { line: 4 },
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      tokens: { input: 95, output: 7, cacheRead: 0, cacheWrite: 0 },
      tags: { team: 'payments', app: 'invoice-parser, v2' },
    });
  });

  it('maps custom columns with --map', async () => {
    const csvMap = parseCsvMap('model=engine,input=tok_in,output=tok_out,timestamp=when,tag.team=squad,cost_center_id');
    const recs = recordsOf(await collect(readTraffic([fixture('custom-columns.csv')], { csvMap })));
    expect(recs.map((r) => [r.modelId, r.tokens.input, r.tokens.output, r.timestamp, r.tags])).toEqual([
      ['us.amazon.nova-lite-v1:0', 400, 60, '2025-11-06T08:00:00.000Z', { team: 'growth', cost_center_id: 'cc-17' }],
      ['us.amazon.nova-pro-v1:0', 1500, 420, '2025-11-06T08:05:00.000Z', { team: 'platform', cost_center_id: 'cc-09' }],
    ]);
  });

  it('a CSV missing required columns is an InputError naming the file and the column, before any row', async () => {
    const file = fixture('custom-columns.csv');
    const it = readTraffic([file])[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow(InputError);
    await expect(collect(readTraffic([file]))).rejects.toThrow(
      `${file}: CSV has no model column (looked for model, model_id, modelId, model_name, deployment, model_group); name it with --map model=COLUMN`,
    );
  });

  it('a mapped column that is not in the header is an InputError naming it', async () => {
    const file = fixture('usage.csv');
    await expect(collect(readTraffic([file], { csvMap: parseCsvMap('input=tokens_in') }))).rejects.toThrow(
      `${file}: CSV has no column "tokens_in" (mapped to input by --map); columns: "timestamp", "model_id"`,
    );
    await expect(collect(readTraffic([file], { csvMap: parseCsvMap('tag.owner=owner') }))).rejects.toThrow('CSV has no column "owner" (mapped to tag owner by --map)');
  });

  it('bad rows are skipped with their line numbers', async () => {
    const evs = await collect(readTraffic([fixture('bad-rows.csv')]));
    expect(recordsOf(evs).map((r) => [r.source.line, r.tokens.input])).toEqual([
      [2, 100],
      [7, 7],
    ]);
    expect(skipsOf(evs).map((s) => [s.source.line, s.reason])).toEqual([
      [3, 'row has 2 columns; the header has 3'],
      [4, 'column "input_tokens" is not a number ("abc")'],
      [5, 'column "input_tokens" is negative (-5)'],
      [6, 'column "model" (model) is empty'],
    ]);
  });

  it('strict mode stops at the first bad row with file:line', async () => {
    const file = fixture('bad-rows.csv');
    await expect(collect(readTraffic([file], { strict: true }))).rejects.toThrow(`${file}:3: row has 2 columns; the header has 3`);
    const f2 = join(dir, 'neg.csv');
    await writeFile(f2, 'model,input_tokens,output_tokens\nm,1,1\nm,-1,1\n');
    await expect(collect(readTraffic([f2], { strict: true }))).rejects.toThrow(`${f2}:3: column "input_tokens" is negative (-1)`);
  });

  it('an unclosed quote is reported, not a crash', async () => {
    const f = join(dir, 'quote.csv');
    await writeFile(f, 'model,input_tokens,output_tokens\nm,1,1\n"m,2,2\n');
    const evs = await collect(readTraffic([f]));
    expect(recordsOf(evs)).toHaveLength(1);
    expect(skipsOf(evs)).toEqual([{ source: { file: f, line: 3 }, reason: 'unclosed quote: the file ends before it is closed' }]);
  });

  it('a quoted field may span lines (a prompt with newlines and commas): one record, numbered by its first line', async () => {
    const f = join(dir, 'multiline.csv');
    await writeFile(f, 'model,input_tokens,output_tokens,prompt\nm,1,1,"first line,\nsecond, line\nthird ""quoted"" line"\nm,2,2,plain\n');
    const recs = recordsOf(await collect(readTraffic([f])));
    expect(recs.map((r) => [r.source.line, r.prompt])).toEqual([
      [2, 'first line,\nsecond, line\nthird "quoted" line'],
      [5, 'plain'],
    ]);
  });

  it('a quote that stays open for MAX_RECORD_LINES lines costs only its own line', async () => {
    const f = join(dir, 'open-long.csv');
    const body = Array.from({ length: MAX_RECORD_LINES + 5 }, (_, i) => `continuation ${i}`);
    await writeFile(f, ['model,input_tokens,output_tokens,prompt', 'm,1,1,"never closed', ...body, 'm,2,2,ok'].join('\n') + '\n');
    const evs = await collect(readTraffic([f]));
    expect(skipsOf(evs)[0]).toEqual({ source: { file: f, line: 2 }, reason: `unclosed quote: still open ${MAX_RECORD_LINES} lines later` });
    // The lines after it are read again as rows: plain text lines are rows with the wrong column count.
    expect(recordsOf(evs).map((r) => r.source.line)).toEqual([MAX_RECORD_LINES + 8]);
    expect(skipsOf(evs)).toHaveLength(1 + MAX_RECORD_LINES + 5);
  });

  it('header only, or an empty CSV, gives zero events; unparseable timestamps are kept as problems', async () => {
    const header = join(dir, 'header.csv');
    await writeFile(header, 'model,input_tokens,output_tokens\n');
    expect(await collect(readTraffic([header]))).toEqual([]);
    const ts = join(dir, 'ts.csv');
    await writeFile(ts, 'model,input_tokens,output_tokens,timestamp,error_code\nm,1,2,yesterday,ok\nm,1,2,,ThrottlingException\n');
    const recs = recordsOf(await collect(readTraffic([ts])));
    expect(recs.map((r) => [r.problems, r.errorCode])).toEqual([
      [['timestamp unparseable'], undefined],
      [['timestamp missing'], 'ThrottlingException'],
    ]);
  });
});
