/**
 * `tokor analyze` under hostile and faulty input, through the built CLI:
 * long lines, huge token counts, broken CSV quoting, prototype keys and
 * control characters in the data, odd first lines, gzip junk and truncation,
 * repeated inputs (issues #12 and #11).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const TIERS = 'cheap=amazon.nova-micro-v1:0,frontier=amazon.nova-pro-v1:0';
let dir: string;
const p = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-hardening-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** A Bedrock Converse record on Nova Lite ($0.06 / $0.24 per 1M tokens). */
function bedrock(over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2025-11-03T10:00:00Z',
    region: 'us-east-1',
    requestId: `req-${n}`,
    operation: 'Converse',
    modelId: 'amazon.nova-lite-v1:0',
    input: { inputTokenCount: 1000 },
    output: { outputTokenCount: 100 },
    ...over,
  };
}
function openai(i: number): Record<string, unknown> {
  return { id: `chatcmpl-${i}`, object: 'chat.completion', created: 1762164000, model: 'gpt-4o-mini', usage: { prompt_tokens: 100, completion_tokens: 10 } };
}
const jsonl = (records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

// biome-ignore lint/suspicious/noExplicitAny: analyze's JSON report, read field by field
async function analyzeJson(args: string[]): Promise<{ code: number | null; stderr: string; j: Record<string, any> }> {
  const r = await runCli(['analyze', ...args, '--tiers', TIERS, '--format', 'json']);
  return { code: r.code, stderr: r.stderr, j: r.code === 0 ? JSON.parse(r.stdout) : {} };
}

// biome-ignore lint/suspicious/noExplicitAny: as above
function records(j: Record<string, any>): { read: number; valid: number; failed: number; invalid: number; duplicates: number } {
  const x = j.records;
  expect(x.read).toBe(x.valid + x.failed + x.invalid + x.duplicates);
  return x;
}

describe('#12.1 long lines cost linear time and bounded memory', () => {
  it('a newline-free gzip of 40 MB of zeros is one skipped line, read in about a second (it took minutes)', async () => {
    await writeFile(p('zeros.json.gz'), gzipSync(Buffer.alloc(40_000_000)));
    const r = await runCli(['analyze', p('zeros.json.gz'), '--tiers', TIERS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zeros\.json\.gz:1: line of 40,000,000 bytes is longer than the 32 MiB line limit: skipped/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an overlong line between good ones is skipped with its number; the lines around it count', async () => {
    const big = JSON.stringify(bedrock({ input: { inputTokenCount: 5, inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'x'.repeat(34 * 1024 * 1024) }] }] } } }));
    await writeFile(p('overlong.json.gz'), gzipSync(`${JSON.stringify(bedrock())}\n${big}\n${JSON.stringify(bedrock())}\n`));
    const { code, j } = await analyzeJson([p('overlong.json.gz')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 3, valid: 2, invalid: 1 });
    expect(j.invalid.examples).toEqual([{ file: p('overlong.json.gz'), line: 2, reason: `line of ${Buffer.byteLength(big).toLocaleString('en-US')} bytes is longer than the 32 MiB line limit: skipped (logs have one record per line)` }]);
  });
});

describe('#12.2 token totals past 2^53', () => {
  it('two records of 2^53 − 1 input tokens: exact totals and cost, no crash', async () => {
    const max = 9007199254740991;
    await writeFile(p('huge.jsonl'), jsonl([bedrock({ input: { inputTokenCount: max } }), bedrock({ input: { inputTokenCount: max } })]));
    const { code, stderr, j } = await analyzeJson([p('huge.jsonl')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(j.tokens.input).toBe(18014398509481982);
    // 2 × (2^53 − 1) × $0.06/1M + 200 × $0.24/1M, exactly in picodollars, then USD.
    const pico = 2n * BigInt(max) * 60_000n + 200n * 240_000n;
    expect(j.cost.actual).toBe(Math.round((Number(pico / 10n ** 12n) + Number(pico % 10n ** 12n) / 1e12) * 1e6) / 1e6);
  });

  it('9,100 records of 999,999,999,999 tokens sum exactly (a double sum drifts past 2^53)', async () => {
    await writeFile(p('many-big.jsonl'), jsonl(Array.from({ length: 9100 }, () => bedrock({ input: { inputTokenCount: 999_999_999_999 }, output: { outputTokenCount: 1 } }))));
    const { code, j } = await analyzeJson([p('many-big.jsonl')]);
    expect(code).toBe(0);
    expect(j.tokens.input).toBe(9_099_999_999_990_900);
    expect(j.cost.actual).toBe(546000000.001638);
  });
});

describe('#12.3 and #12.13 one bad CSV row costs only itself', () => {
  const header = 'model,input_tokens,output_tokens,team';
  const row = (i: number): string => `amazon.nova-lite-v1:0,${i},1,t${i % 3}`;
  const rows = (count: number): string[] => Array.from({ length: count }, (_, i) => row(i + 1));

  it('an unclosed quote on data row 11 of 1,011: that row is skipped at line 12, the other 1,010 count', async () => {
    const r = rows(1011);
    r[10] = `"${r[10]}`;
    await writeFile(p('unclosed.csv'), [header, ...r].join('\n') + '\n');
    const { code, j } = await analyzeJson([p('unclosed.csv')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 1011, valid: 1010, invalid: 1 });
    expect(j.invalid.examples).toEqual([{ file: p('unclosed.csv'), line: 12, reason: 'unclosed quote: line 13 is a complete row of its own, so the quote does not span lines' }]);
  });

  it('a quote closed 500 rows later does not merge them into one record, also under --strict', async () => {
    const r = rows(1000);
    r[10] = r[10]!.replace(/t(\d)$/, '"t$1');
    r[510] = `x"${r[510]}`;
    await writeFile(p('late-close.csv'), [header, ...r].join('\n') + '\n');
    const { code, j } = await analyzeJson([p('late-close.csv')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 1000, valid: 998, invalid: 2 });
    expect(j.invalid.examples.map((e: { line: number }) => e.line)).toEqual([12, 512]);
    const strict = await runCli(['analyze', p('late-close.csv'), '--tiers', TIERS, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toBe(`tokor: ${p('late-close.csv')}:12: unclosed quote: line 13 is a complete row of its own, so the quote does not span lines\n`);
  });

  it('a closing quote followed by U+00A0 invalidates that row only', async () => {
    const r = rows(1000);
    r[1] = `"amazon.nova-lite-v1:0"\u00a0,2,1,t2`;
    await writeFile(p('nbsp.csv'), [header, ...r].join('\n') + '\n');
    const { code, j } = await analyzeJson([p('nbsp.csv')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 1000, valid: 999, invalid: 1 });
    expect(j.invalid.examples[0].line).toBe(3);
  });

  it('a bare CR inside a quoted field does not shift later line numbers; a"b,c is one invalid record', async () => {
    const lines = [header, row(1), 'amazon.nova-lite-v1:0,2,1,"multi\rline team"', 'a"b,c', row(4), 'amazon.nova-lite-v1:0,oops,1,t1', row(6)];
    await writeFile(p('cr.csv'), lines.join('\n') + '\n');
    const { code, j } = await analyzeJson([p('cr.csv'), '--group-by', 'team']);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 6, valid: 4, invalid: 2 });
    expect(j.invalid.examples.map((e: { line: number }) => e.line)).toEqual([4, 6]);
    expect(j.byGroup.map((g: { group: string }) => g.group)).toContain('multi\rline team');
  });
});

describe('#12.6 data cannot corrupt the accounting', () => {
  it('errorCode constructor/__proto__, prototype-named tags, U+0001 in model IDs and tags are plain values', async () => {
    await writeFile(
      p('proto.jsonl'),
      jsonl([
        bedrock({ errorCode: 'constructor' }),
        bedrock({ errorCode: '__proto__' }),
        bedrock({ errorCode: 'toString' }),
        bedrock({ requestMetadata: { team: 'x\u0001us-west-2\u0001hard' } }),
        // JSON.parse makes "__proto__" an own key, as it is in a log line.
        bedrock({ modelId: 'amazon.nova-lite-v1:0\u0001eu-west-1', requestMetadata: JSON.parse('{"__proto__":"p","constructor":"c"}') }),
        bedrock({ requestMetadata: { team: '__proto__' } }),
      ]),
    );
    const { code, j } = await analyzeJson([p('proto.jsonl'), '--group-by', 'team,__proto__,constructor']);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 6, valid: 3, failed: 3 });
    expect(j.failedByCode).toEqual([
      { code: '__proto__', count: 1 },
      { code: 'constructor', count: 1 },
      { code: 'toString', count: 1 },
    ]);
    expect(j.byModel.map((m: { model: string; region: string; requests: number }) => [m.model, m.region, m.requests])).toEqual([
      ['amazon.nova-lite-v1:0', 'us-east-1', 2],
      ['amazon.nova-lite-v1:0\u0001eu-west-1', 'us-east-1', 1],
    ]);
    const groups = j.byGroup.map((g: { groupBy: string; group: string; requests: number }) => `${g.groupBy}=${g.group}:${g.requests}`).sort();
    expect(groups).toEqual(['__proto__=(untagged):2', '__proto__=p:1', 'constructor=(untagged):2', 'constructor=c:1', 'team=(untagged):1', 'team=__proto__:1', 'team=x\u0001us-west-2\u0001hard:1'].sort());
  });
});

describe('#12.9 the format comes from a sample of lines, not the first one', () => {
  it('an OpenAI log whose first line is truncated reads as OpenAI: 199 of 200 valid', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify(openai(i)));
    lines[0] = lines[0]!.slice(0, 25);
    await writeFile(p('cut-first.jsonl'), lines.join('\n') + '\n');
    const { code, j } = await analyzeJson([p('cut-first.jsonl')]);
    expect(code).toBe(0);
    expect(j.sources.formats).toEqual({ openai: 1 });
    expect(records(j)).toMatchObject({ read: 200, valid: 199, invalid: 1 });
  });

  it('a file mixing Bedrock and OpenAI records is reported as mixed, and each line is read in its own format', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => (i % 2 ? openai(i) : bedrock()));
    await writeFile(p('mixed.jsonl'), jsonl(lines));
    const { code, j } = await analyzeJson([p('mixed.jsonl')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 20, valid: 20, invalid: 0 });
    expect(j.fileIssues).toEqual([
      { file: p('mixed.jsonl'), kind: 'mixed-formats', message: `${p('mixed.jsonl')} mixes Bedrock (10) and OpenAI-style (10) records in its first lines: each line is read in its own format` },
    ]);
  });
});

describe('#12.10 and #11.9 gzip junk, truncation, and files that are not gzip', () => {
  it('junk after a gzip member: the records are kept, the junk reported at file level', async () => {
    const body = jsonl([bedrock(), bedrock(), bedrock()]);
    await writeFile(p('junk.json.gz'), Buffer.concat([gzipSync(body), Buffer.from('JUNK AFTER THE MEMBER')]));
    const { code, j } = await analyzeJson([p('junk.json.gz')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 3, valid: 3, invalid: 0 });
    expect(j.fileIssues).toEqual([{ file: p('junk.json.gz'), kind: 'trailing-garbage', message: `${p('junk.json.gz')} has 21 bytes of trailing garbage after its gzip data: ignored, as gzip -d does` }]);
  });

  it('two gzip members (as concatenated exports are) are both read', async () => {
    await writeFile(p('members.json.gz'), Buffer.concat([gzipSync(jsonl([bedrock(), bedrock()])), gzipSync(jsonl([bedrock()]))]));
    const { j } = await analyzeJson([p('members.json.gz')]);
    expect(records(j)).toMatchObject({ read: 3, valid: 3 });
    expect(j.fileIssues).toEqual([]);
  });

  it('a gzip cut in half says at file level after which line it breaks off, and counts no invalid record', async () => {
    const gz = gzipSync(jsonl(Array.from({ length: 2000 }, () => bedrock())));
    await writeFile(p('half.json.gz'), gz.subarray(0, gz.length >> 1));
    const { code, j } = await analyzeJson([p('half.json.gz')]);
    expect(code).toBe(0);
    const kept = j.records.valid;
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(2000);
    expect(j.records.invalid).toBe(0);
    expect(j.fileIssues).toEqual([{ file: p('half.json.gz'), kind: 'truncated', line: kept + 1, message: `${p('half.json.gz')} is truncated after line ${kept}; the rest of the file was not read` }]);
  });

  it('a CSV gzip cut inside a row: the rows before it count, the cut row is not read as a (short) row', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `amazon.nova-lite-v1:0,${1000 + i},${100 + i},t${i % 3}`);
    const gz = gzipSync(['model,input_tokens,output_tokens,team', ...rows].join('\n') + '\n');
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    await writeFile(p('cut.csv.gz'), cut);
    // What zlib can inflate of it: whole lines, then a piece of the line the cut falls in.
    const readable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const whole = readable.split('\n').length - 1;
    expect(readable.endsWith('\n')).toBe(false);
    const { code, j } = await analyzeJson([p('cut.csv.gz')]);
    expect(code).toBe(0);
    expect(j.fileIssues).toEqual([{ file: p('cut.csv.gz'), kind: 'truncated', line: whole + 1, message: `${p('cut.csv.gz')} is truncated after line ${whole}; the rest of the file was not read` }]);
    // Every whole data line before the break is a row; the piece of the one it cuts is not.
    expect(records(j)).toMatchObject({ read: whole - 1, valid: whole - 1, invalid: 0 });
  });

  it('a text file named .gz is "not gzip", not a pile of malformed JSON', async () => {
    await writeFile(p('error-page.json.gz'), '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>\n');
    const r = await runCli(['analyze', p('error-page.json.gz'), '--tiers', TIERS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tokor: ${p('error-page.json.gz')}: no records found: ${p('error-page.json.gz')} is not gzip (it does not start with the gzip signature 1f 8b): the file was not read; decompress it or fix its name\n`);
    await writeFile(p('ok.jsonl'), jsonl([bedrock()]));
    const { j } = await analyzeJson([p('ok.jsonl'), p('error-page.json.gz')]);
    expect(j.fileIssues.map((f: { kind: string }) => f.kind)).toEqual(['not-gzip']);
    expect(j.records.invalid).toBe(0);
  });
});

describe('#11.3 the same record is counted once', () => {
  it('a file given twice, a tree and a sub-folder of it, a copy under another name: duplicates dropped and reported', async () => {
    const tree = p('tree');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'sub', 'a.jsonl'), jsonl([bedrock(), bedrock(), bedrock({ errorCode: 'ThrottlingException' })]));
    await copyFile(join(tree, 'sub', 'a.jsonl'), join(tree, 'copy.jsonl'));
    const once = await analyzeJson([join(tree, 'sub', 'a.jsonl')]);
    const { code, j } = await analyzeJson([tree, join(tree, 'sub'), join(tree, 'sub', 'a.jsonl')]);
    expect(code).toBe(0);
    expect(records(j)).toMatchObject({ read: 6, valid: 2, failed: 1, duplicates: 3 });
    expect(j.cost).toEqual(once.j.cost);
    expect(j.fileIssues.map((f: { kind: string; file: string }) => [f.kind, f.file])).toEqual([
      ['repeated-path', join(tree, 'sub', 'a.jsonl')],
      ['repeated-path', join(tree, 'sub', 'a.jsonl')],
    ]);
    const table = await runCli(['analyze', tree, '--tiers', TIERS]);
    expect(table.stdout).toMatch(/duplicates dropped 3/);
    expect(table.stdout).toMatch(/Dropped 3 duplicate records/);
  });

  it('worker threads and in-process give the same report, duplicates across chunks and workers included', async () => {
    // ~3.5 MB: several 1 MB chunks, the repeats of each record land in other chunks (and workers).
    const base = Array.from({ length: 4000 }, (_, i) => bedrock({ requestId: `dup-${i % 1500}`, requestMetadata: { team: `t${i % 7}` }, input: { inputTokenCount: 1000 + (i % 1500), inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'y'.repeat(700) }] }] } } }));
    const lines = base.map((r, i) => (i % 97 === 5 ? '{"broken' : JSON.stringify(r)));
    await writeFile(p('dups.jsonl'), lines.join('\n') + '\n');
    const [inProc, threads] = await Promise.all([analyzeJson([p('dups.jsonl'), '--workers', '0', '--skipped', p('skip-0.jsonl')]), analyzeJson([p('dups.jsonl'), '--workers', '2', '--skipped', p('skip-2.jsonl')])]);
    expect(inProc.code).toBe(0);
    expect(threads.j).toEqual(inProc.j);
    expect(records(inProc.j).valid).toBe(1500);
    expect(inProc.j.records.duplicates).toBe(4000 - 1500 - inProc.j.records.invalid);
    expect(await readFile(p('skip-2.jsonl'), 'utf8')).toBe(await readFile(p('skip-0.jsonl'), 'utf8'));
  });
});

describe('#17 de-duplication in bounded memory', () => {
  // 4,000 records of 1,500 request IDs, every 97th line broken: with room for 100 keys, 1,390 of the IDs written to disk repeat there.
  const log = () =>
    Array.from({ length: 4000 }, (_, i) => (i % 97 === 5 ? '{"broken' : JSON.stringify(bedrock({ requestId: `far-${i % 1500}`, input: { inputTokenCount: 1000 + (i % 1500) } })))).join('\n') + '\n';

  it('keys beyond --dedupe-keys that repeat: the logs are read twice and the report and --skipped file are the unbounded run’s', async () => {
    await writeFile(p('far.jsonl'), log());
    const whole = await analyzeJson([p('far.jsonl'), '--workers', '0', '--skipped', p('far-whole.jsonl')]);
    expect(whole.code).toBe(0);
    expect(records(whole.j).duplicates).toBeGreaterThan(2000);
    for (const workers of ['0', '2']) {
      const bounded = await analyzeJson([p('far.jsonl'), '--workers', workers, '--dedupe-keys', '100', '--skipped', p(`far-${workers}.jsonl`)]);
      expect(bounded.code).toBe(0);
      expect(bounded.j).toEqual(whole.j);
      expect(await readFile(p(`far-${workers}.jsonl`), 'utf8')).toBe(await readFile(p('far-whole.jsonl'), 'utf8'));
      expect(bounded.stderr).toMatch(/^tokor: 1,390 request keys repeat beyond the 100 held in memory \(--dedupe-keys\): reading the logs a second time/m);
    }
  });

  it('keys beyond --dedupe-keys that never repeat: one reading, the same report, nothing said', async () => {
    await writeFile(p('unique.jsonl'), jsonl(Array.from({ length: 300 }, (_, i) => bedrock({ requestId: `u-${i}` }))));
    const whole = await analyzeJson([p('unique.jsonl')]);
    const bounded = await analyzeJson([p('unique.jsonl'), '--dedupe-keys', '10']);
    expect(bounded.code).toBe(0);
    expect(bounded.j).toEqual(whole.j);
    expect(bounded.stderr).toBe('');
  });

  it('more task clusters than the profile keeps: the same report on 0 and 2 workers, the lumped clusters in rest, totals exact', async () => {
    // 21,000 templates (first words spelled in letters: digits are masked), each asked twice, the second time after
    // all the others: past the 20,000 clusters kept, those lumped come back and start over (so rest counts them twice).
    const word = (i: number): string => Array.from(i.toString(26).padStart(4, '0'), (d) => String.fromCharCode(97 + Number.parseInt(d, 26))).join('');
    const ask = (i: number, pass: number) => bedrock({ requestId: `c-${pass}-${i}`, input: { inputTokenCount: 1000, inputBodyJson: { messages: [{ role: 'user', content: [{ text: `${word(i)} ${word(i * 7)} please summarise` }] }] } } });
    const many = [0, 1].flatMap((pass) => Array.from({ length: 21_000 }, (_, i) => ask(i, pass)));
    await writeFile(p('clusters.jsonl'), jsonl(many));
    const [one, two] = await Promise.all([analyzeJson([p('clusters.jsonl'), '--workers', '0']), analyzeJson([p('clusters.jsonl'), '--workers', '2'])]);
    expect(one.code).toBe(0);
    expect(two.j).toEqual(one.j);
    const profile = one.j.trafficProfile;
    expect(profile.requests).toBe(42_000);
    expect(profile.clusters).toHaveLength(1000);
    // Unbounded, the 21,000 clusters would list 1,000 and lump 20,000.
    expect(profile.rest.clusters).toBeGreaterThan(20_000);
    expect(profile.clusters.reduce((s: number, c: { requests: number }) => s + c.requests, 0) + profile.rest.requests).toBe(42_000);
    expect(profile.spendUsd).toBeCloseTo(one.j.cost.actual, 6);
  });

  it('keys that cannot be written to TMPDIR: one line naming it and what to do, exit 2, no stack; DuckDB’s spill directory alike', async () => {
    await writeFile(p('tmpdir.jsonl'), jsonl(Array.from({ length: 30 }, (_, i) => bedrock({ requestId: `t-${i}` }))));
    const env = { TMPDIR: p('no-such-dir') };
    const keys = await runCli(['analyze', p('tmpdir.jsonl'), '--dedupe-keys', '10', '--format', 'json'], { env });
    expect(keys.code).toBe(2);
    expect(keys.stderr).toBe(`tokor: ${p('no-such-dir')}: cannot write the de-duplication keys beyond --dedupe-keys (temporary files; TMPDIR sets where) (no such file or directory); create the directory first, or choose another path\n`);
    const duck = await runCli(['analyze', p('tmpdir.jsonl'), '--engine', 'duckdb', '--format', 'json'], { env });
    expect(duck.code).toBe(2);
    expect(duck.stderr).toMatch(/^tokor: .*no-such-dir: cannot write DuckDB's spill directory \(temporary files; TMPDIR sets where\) \(no such file or directory\); create the directory first, or choose another path\n$/);
  });

  it('--dedupe-keys with an engine that de-duplicates in SQL is refused in one line', async () => {
    await writeFile(p('one.jsonl'), jsonl([bedrock()]));
    const r = await runCli(['analyze', p('one.jsonl'), '--engine', 'duckdb', '--dedupe-keys', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokor: --dedupe-keys is not available with --engine duckdb \(duplicates are dropped in SQL\); use --engine inprocess\n$/);
  });
});

describe('#12.16 every skipped line, on request', () => {
  it('the table says only the first 5 carry file:line; --skipped FILE lists all of them (JSON lines or CSV)', async () => {
    const lines = [JSON.stringify(bedrock({ requestId: 'keep' }))];
    for (let i = 0; i < 7; i++) lines.push(`{"not json ${i}`);
    lines.push(JSON.stringify(bedrock({ requestId: 'keep' })));
    await writeFile(p('seven.jsonl'), lines.join('\n') + '\n');
    const r = await runCli(['analyze', p('seven.jsonl'), '--tiers', TIERS, '--skipped', p('skipped.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the first 5 with file:line \(--skipped FILE lists every one\)/);
    const entries = (await readFile(p('skipped.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.line, e.kind])).toEqual([[2, 'invalid'], [3, 'invalid'], [4, 'invalid'], [5, 'invalid'], [6, 'invalid'], [7, 'invalid'], [8, 'invalid'], [9, 'duplicate']]);
    expect(entries.every((e) => e.file === p('seven.jsonl') && typeof e.reason === 'string' && e.reason.length > 0)).toBe(true);
    await runCli(['analyze', p('seven.jsonl'), '--tiers', TIERS, '--skipped', p('skipped.csv')]);
    const csv = (await readFile(p('skipped.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('file,line,kind,reason');
    expect(csv).toHaveLength(9);
    expect(csv[1]).toMatch(new RegExp(`^${p('seven.jsonl').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},2,invalid,`));
  });

  it('an unwritable --skipped path fails before any work: one line, exit 2', async () => {
    const r = await runCli(['analyze', '--skipped', p('no/such/dir/skipped.jsonl'), '--tiers', TIERS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tokor: ${p('no/such/dir/skipped.jsonl')}: cannot write the --skipped file (ENOENT); check the path\n`);
    expect(r.stdout).toBe('');
  });
});
