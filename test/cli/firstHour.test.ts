/**
 * What a FinOps analyst and an ML engineer meet in their first hour with tokor,
 * through the built bin: every help page on an 80-column terminal, usage errors
 * as one line, sample data named wherever its figures appear, advice that names
 * only flags the command has. Each case was a defect of the CLI as users met it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Every help page a user can ask for. */
const HELP_PAGES: string[][] = [
  ['--help'],
  ...['analyze', 'prices', 'eval', 'label', 'calibrate', 'gate', 'config', 'init', 'costs', 'report', 'drift', 'athena'].map((c) => [c, '--help']),
  ['config', 'check', '--help'],
  ['athena', 'ddl', '--help'],
  ['help', 'analyze'],
];

describe('help pages fit an 80-column terminal', () => {
  it.each(HELP_PAGES.map((args) => [args.join(' '), args]))('tokor %s: no line is wider than 80 columns', async (_name, args) => {
    const r = await runCli(args as string[], { env: { COLUMNS: '80' } });
    expect(r.code, r.stderr).toBe(0);
    const wide = r.stdout.split('\n').filter((line) => stringWidth(line) > 80);
    expect(wide).toEqual([]);
  });
});

describe('usage errors are one line, as every other error', () => {
  it.each([
    [['analyse'], "tokor: unknown command 'analyse'; did you mean analyze? (see tokor --help)"],
    [['help', 'analyse'], "tokor: unknown command 'analyse'; did you mean analyze? (see tokor --help)"],
    [['analyze', '--formt', 'json'], "tokor: unknown option '--formt'; did you mean --format? (see tokor analyze --help)"],
    [['analyze', '--format', 'xml'], "tokor: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, markdown, html. (see tokor analyze --help)"],
    [['analyze', '--sample', 'abc'], "tokor: option '--sample <n>' argument 'abc' is invalid. expected a positive whole number (see tokor analyze --help)"],
    [['analyze', '--group-by'], "tokor: option '--group-by <dims>' argument missing (see tokor analyze --help)"],
    [['label'], "tokor: missing required argument 'paths' (see tokor label --help)"],
    [['prices', 'extra'], "tokor: too many arguments for 'prices'. Expected 0 arguments but got 1. (see tokor prices --help)"],
    [['config', 'chek'], "tokor: unknown command 'chek'; did you mean check? (see tokor config --help)"],
    [['athena', 'ddl', '--bucket', 'b', '--accounts', '123456789012'], "tokor: required option '--regions <names>' not specified (see tokor athena ddl --help)"],
    [['--bogus'], "tokor: unknown option '--bogus' (see tokor --help)"],
  ])('tokor %j', async (args, line) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
  });
});

describe('label --dry-run on the bundled sample says it is sample data', () => {
  const SAMPLE = 'fixtures/sample';
  const WHAT = 'the bundled synthetic Bedrock invocation logs (fixtures/sample), written by tokor';

  it('in the table, beside the sample size and its expected cost', async () => {
    const r = await runCli(['label', SAMPLE, '--sample', '50', '--dry-run'], { env: { COLUMNS: '200' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['Sample 50 of 4,846 labelable requests in 183 task clusters (--sample 50).', `⚠ Sample data: ${WHAT} — not real traffic.`]);
  });

  it('in the JSON, as provenance, like every other contract; other logs are not marked', async () => {
    // A fixture of tokor's with its records' sample tag taken out: logs like a user's own.
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-label-'));
    const OTHER = path.join(dir, 'own.jsonl');
    writeFileSync(OTHER, readFileSync('fixtures/ingest/bedrock-bodies.jsonl', 'utf8').replaceAll('"sample":"tokor-synthetic"', '"sample":"no"'));
    try {
      const [sample, other, otherTable] = await Promise.all([
        runCli(['label', SAMPLE, '--sample', '50', '--dry-run', '--format', 'json']),
        runCli(['label', OTHER, '--dry-run', '--format', 'json']),
        runCli(['label', OTHER, '--dry-run']),
      ]);
      expect(sample.code, sample.stderr).toBe(0);
      expect(JSON.parse(sample.stdout).provenance).toEqual({ synthetic: true, what: WHAT });
      expect(other.code, other.stderr).toBe(0);
      expect(JSON.parse(other.stdout).provenance).toEqual({ synthetic: false });
      expect(otherTable.code, otherTable.stderr).toBe(0);
      expect(otherTable.stdout).not.toContain('Sample data');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a typo in a tier name gets advice the command can follow', () => {
  it('label --tier chep lists the tiers and names no --model (label has none)', async () => {
    const r = await runCli(['label', 'fixtures/sample', '--tier', 'chep', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tokor: unknown tier "chep" (tiers: cheap, mid, frontier, all)\n');
  });

  it('eval --tier chep also points to an ad-hoc tier (--provider and --model)', async () => {
    const r = await runCli(['eval', '--tier', 'chep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tokor: unknown tier "chep" (tiers: cheap, mid, frontier, all); use --provider and --model for an ad-hoc tier\n');
  });
});

describe("tokor's own results and labels given to analyze as logs", () => {
  it('an eval results file is refused saying what it is (it was read as 900 OpenAI-style requests of 0 tokens, exit 0)', async () => {
    const r = await runCli(['analyze', 'fixtures/gate/results.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'tokor: fixtures/gate/results.jsonl: no usable records: all 900 were invalid (first: fixtures/gate/results.jsonl:1: a tokor eval results line (`tokor eval --out`), not a traffic log record: results go to tokor calibrate --results, gate --results or report --eval)\n',
    );
  });

  it('with --engine duckdb too, a results or labels file is named as what it is (was: records of several formats)', async () => {
    const [results, labels] = await Promise.all([
      runCli(['analyze', 'fixtures/gate/results.jsonl', '--engine', 'duckdb']),
      runCli(['analyze', 'fixtures/analyze/sessions/labels.jsonl', '--engine', 'duckdb']),
    ]);
    expect(results.code).toBe(2);
    expect(results.stdout).toBe('');
    expect(results.stderr).toBe(
      'tokor: fixtures/gate/results.jsonl: is not a traffic log: its first line is a tokor eval results line (`tokor eval --out`), not a traffic log record: results go to tokor calibrate --results, gate --results or report --eval\n',
    );
    expect(labels.code).toBe(2);
    expect(labels.stderr).toBe(
      'tokor: fixtures/analyze/sessions/labels.jsonl: is not a traffic log: its first line is a tokor labels line (`tokor label --out`), not a traffic log record: give labels to tokor analyze --labels\n',
    );
  });

  it('a labels file is named as one, with the flag that takes it', async () => {
    const r = await runCli(['analyze', 'fixtures/analyze/sessions/labels.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fixtures/analyze/sessions/labels.jsonl:1: a tokor labels line (`tokor label --out`), not a traffic log record: give labels to tokor analyze --labels');
  });
});

describe('analyze flags that do nothing where they are given are refused, not ignored', () => {
  it.each([
    // Read as if no day had been asked for: the whole bundled sample, exit 0.
    [['--since', '2025-11-05'], 'tokor: --since applies with --engine athena only (the Athena table and its day partitions); to read some days in process, give the files of those days'],
    [['--table', 'tokor.bedrock_invocations', '--since', '2025-11-05', '--until', '2025-11-06'], 'tokor: --table, --since, --until apply with --engine athena only (the Athena table and its day partitions); to read some days in process, give the files of those days'],
    [['--engine', 'duckdb', '--workgroup', 'primary'], 'tokor: --workgroup applies with --engine athena only (the Athena table and its day partitions)'],
    [['--label-sample', '5'], 'tokor: --label-sample applies with --engine duckdb or athena only: in process every record is labeled'],
    [['--amortized'], 'tokor: --amortized reads the bill given with --bill or --cost-explorer: give one, or drop it'],
    [['--amortized', '--net'], 'tokor: --amortized and --net read the bill given with --bill or --cost-explorer: give one, or drop them'],
  ])('analyze %j', async (args, line) => {
    const r = await runCli(['analyze', ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
  });

  it('where they apply they are taken: --label-sample with --engine duckdb, --amortized with --bill', async () => {
    const [duck, bill] = await Promise.all([
      runCli(['analyze', '--engine', 'duckdb', '--label-sample', '5', '--format', 'json']),
      runCli(['analyze', '--bill', 'fixtures/costs/cur2-discounts', '--amortized', '--format', 'json']),
    ]);
    expect(duck.code, duck.stderr).toBe(0);
    expect(bill.code, bill.stderr).toBe(0);
  });
});

describe("a config value of the wrong kind is said in the YAML's words", () => {
  it.each([
    // zod's words were: "Invalid input: expected array, received object".
    ['tiers:\n  cheap: us.amazon.nova-lite-v1:0\n  frontier: us.anthropic.claude-sonnet-4-5-20250929-v1:0\n', '1:1: tiers: expected a list (one "- " line per entry), got a mapping'],
    ['tiers:\n', '1:1: tiers: expected a list (one "- " line per entry), got an empty value'],
    ['groupBy: 5\n', '1:1: groupBy: expected a string, got a number (5)'],
  ])('%j', async (yaml, where) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-first-hour-'));
    try {
      const file = path.join(dir, 'tokor.config.yaml');
      writeFileSync(file, yaml);
      const r = await runCli(['config', 'check', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`tokor: ${file}:${where}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('counts of a thousand or more are grouped as in every other table', () => {
  it('eval: item runs and p50/p95 latencies', async () => {
    const r = await runCli(['eval']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1,680 of 1,680 item runs; 1,680 replayed');
    expect(r.stdout).toMatch(/1,844 ms +3,009 ms/);
  });

  it('calibrate: items calibrated and held out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-first-hour-'));
    try {
      // 1,500 items: the cheap tier passes on the even ones, the frontier on all but every tenth.
      const rows = Array.from({ length: 1500 }, (_, i) => `q${i},what is ${i} + ${i}?,${i % 2 === 0},${i % 10 !== 0}`);
      const csv = path.join(dir, 'items.csv');
      writeFileSync(csv, `id,prompt,cheap_ok,frontier_ok\n${rows.join('\n')}\n`);
      const r = await runCli(['calibrate', '--results-csv', csv, '--id-column', 'id', '--prompt-column', 'prompt', '--tier-column', 'cheap=cheap_ok', '--tier-column', 'frontier=frontier_ok', '--tier-cost', 'cheap=1,frontier=10'], { env: { COLUMNS: '200' } });
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(/^Calibrated items: 1,\d{3} items \(\+\d{3} held out\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze --workers has a bound', () => {
  it('1,000 worker threads are refused in one line (the run was killed for memory, exit 143, no message)', async () => {
    const r = await runCli(['analyze', '--workers', '1000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tokor: option '--workers <n>' argument '1000' is invalid\. expected at most \d+ worker threads \(64 or 2 per core: each holds its own parser and buffers, about 11 MB\) \(see tokor analyze --help\)\n$/);
  });
});

describe('analyze --tiers names each tier once', () => {
  it('a repeated name is refused as the config file refuses it (was a ladder "cheap → cheap", exit 0)', async () => {
    const r = await runCli(['analyze', '--tiers', 'cheap=us.amazon.nova-lite-v1:0,cheap=us.anthropic.claude-sonnet-4-5-20250929-v1:0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tokor: --tiers: duplicate tier name "cheap"; name each tier once (e.g. cheap=…,mid=…,frontier=…)\n');
  });
});
