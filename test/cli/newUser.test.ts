/**
 * What a new user runs into first, through the built bin: repeated flags,
 * advice that names only flags the command has, a tokor file given to the
 * wrong flag, errors on large or binary files, truncated gzip, help text.
 * Each case was a defect of the CLI as users met it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';

const LOG = 'fixtures/pricing/long-context/invocations.jsonl';
const CATALOG = 'fixtures/pricing/long-context/prices.yaml';
const CUSTOM_CSV = 'fixtures/ingest/custom-columns.csv';
const CUSTOM_MAP = 'model=engine,input=tok_in,output=tok_out';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-new-user-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `n` bytes from a fixed seed (mulberry32): the same "random" file on every run. */
function seededBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let a = seed;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** An error as the CLI should give it: exit 2 and one short line on stderr. */
function expectOneShortLine(r: CliResult, maxBytes = 700): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(Buffer.byteLength(r.stderr)).toBeLessThan(maxBytes);
}

describe('repeated flags accumulate or are refused, never last-one-wins', () => {
  it('analyze --catalog twice reads both: a missing first catalog is an error', async () => {
    const r = await runCli(['analyze', LOG, '--catalog', '/nonexistent.yaml', '--catalog', CATALOG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent.yaml');
  });

  it('analyze --group-by twice groups by both', async () => {
    const r = await runCli(['analyze', 'fixtures/ingest/usage.csv', '--map', 'model=model_id', '--group-by', 'team', '--group-by', 'app', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const dims = new Set((JSON.parse(r.stdout) as { byGroup: { groupBy: string }[] }).byGroup.map((g) => g.groupBy));
    expect([...dims].sort()).toEqual(['app', 'team']);
  });

  it('analyze --map twice maps the columns of both', async () => {
    const r = await runCli(['analyze', CUSTOM_CSV, '--map', 'model=engine', '--map', 'input=tok_in,output=tok_out', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { records: { valid: number } }).records.valid).toBeGreaterThan(0);
  });

  it('eval --tier twice evaluates both tiers', async () => {
    const r = await runCli(['eval', '--tier', 'cheap', '--tier', 'frontier', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { tiers: { tier: string }[] }).tiers.map((t) => t.tier)).toEqual(['cheap', 'frontier']);
  });

  it('athena ddl --regions twice projects both Regions', async () => {
    const r = await runCli(['athena', 'ddl', '--bucket', 'my-logs', '--accounts', '123456789012', '--regions', 'us-east-1', '--regions', 'eu-west-1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('us-east-1');
    expect(r.stdout).toContain('eu-west-1');
  });

  it.each([
    ['analyze', LOG, '--config', 'a.yaml', '--config', 'b.yaml'],
    ['analyze', LOG, '--labels', 'a.jsonl', '--labels', 'b.jsonl'],
    ['gate', '--policy', 'a.yaml', '--policy', 'b.yaml'],
    ['calibrate', '--dataset', 'a.jsonl', '--dataset', 'b.jsonl'],
    ['drift', '--baseline', 'a.jsonl', '--baseline', 'b.jsonl', '--current', LOG],
    ['report', '--analyze', 'a.json', '--analyze', 'b.json'],
    ['label', LOG, '--out', 'a.jsonl', '--out', 'b.jsonl'],
  ])('a one-value flag given twice is refused in one line: %s …', async (...args) => {
    const r = await runCli(args);
    expectOneShortLine(r);
    expect(r.stderr).toMatch(/^tokor: --[a-z-]+ was given twice \("a\.[a-z]+", then "b\.[a-z]+"\); it takes one value/);
  });
});

describe('advice names only flags the command has', () => {
  it.each([
    ['label', CUSTOM_CSV, '--dry-run'],
    ['drift', '--baseline', CUSTOM_CSV, '--current', CUSTOM_CSV],
    ['gate', '--traffic', CUSTOM_CSV],
  ])('%s on a CSV with unknown columns says --map, and --map is accepted', async (...args) => {
    const without = await runCli(args);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--map model=COLUMN');
    const withMap = await runCli([...args, '--map', CUSTOM_MAP]);
    expect(withMap.stderr).not.toContain('unknown option');
    expect(withMap.stderr).not.toContain('no model column');
  });

  it('drift reads a CSV through --map', async () => {
    const r = await runCli(['drift', '--baseline', CUSTOM_CSV, '--current', CUSTOM_CSV, '--map', CUSTOM_MAP, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { stable: boolean }).stable).toBe(true);
  });

  it('analyze does not suggest `tokor label` for records without prompt bodies', async () => {
    const r = await runCli(['analyze', 'fixtures/ingest/usage.csv', '--map', 'model=model_id']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('tokor label fixtures/ingest/usage.csv');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('they carry no prompt text to replay');
    const json = await runCli(['analyze', 'fixtures/ingest/usage.csv', '--map', 'model=model_id', '--format', 'json']);
    expect(JSON.parse(json.stdout)).not.toHaveProperty('toMeasure');
  });

  it('analyze still suggests `tokor label` for logs with prompt bodies', async () => {
    const r = await runCli(['analyze', 'fixtures/ingest/bedrock-bodies.jsonl', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { toMeasure?: { command: string } }).toMeasure?.command).toMatch(/^tokor label fixtures\/ingest\/bedrock-bodies\.jsonl --sample \d+/);
  });
});

describe('a tokor file given to the wrong flag is named for what it is', () => {
  let analyzeJson: string;
  beforeAll(async () => {
    analyzeJson = path.join(dir, 'analyze.json');
    const r = await runCli(['analyze', LOG, '--format', 'json', '--out', analyzeJson]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    [['gate', '--policy'], 'policy file'],
    [['calibrate', '--apply'], 'policy file'],
    [['analyze', LOG, '--classifier'], 'router model'],
  ])('%s analyze.json', async (args, what) => {
    const r = await runCli([...args, analyzeJson]);
    expectOneShortLine(r);
    expect(r.stderr).not.toContain('newer tokor');
    expect(r.stderr).toContain(`this is a tokor analyze JSON (\`tokor analyze --format json\`), not a ${what}`);
  });

  it.each([
    [['gate', '--results'], 'eval results (JSON lines)'],
    [['calibrate', '--results'], 'eval results (JSON lines)'],
    [['analyze', LOG, '--labels'], 'a labels file'],
    [['eval', '--tier', 'cheap', '--dataset'], 'a golden dataset'],
    [['calibrate', '--dataset'], 'a golden dataset'],
  ])('%s analyze.json, where JSON lines belong', async (args, what) => {
    const r = await runCli([...args, analyzeJson]);
    expectOneShortLine(r);
    expect(r.stderr).toContain(`tokor: ${analyzeJson}: this is a tokor analyze JSON (\`tokor analyze --format json\`), not ${what}`);
  });
});

describe('errors on large or binary files stay one short line', () => {
  // Seeds whose 4 KB of bytes once made 10 KB error lines: seed 2 a YAML scalar quoted whole (config, policy),
  // seed 23 a CSV field and header quoted whole (labels, drift, label).
  const SEEDS = [2, 23];
  const binaryOf = (seed: number) => path.join(dir, `garbage-${seed}.bin`);
  let prose: string;
  beforeAll(() => {
    for (const seed of SEEDS) writeFileSync(binaryOf(seed), seededBytes(4096, seed));
    prose = path.join(dir, 'text.yaml');
    writeFileSync(prose, `${'word '.repeat(40_000)}\n`);
  });

  const COMMANDS = [
    ['config', 'check', '<file>'],
    ['gate', '--policy', '<file>'],
    ['analyze', LOG, '--config', '<file>'],
    ['analyze', LOG, '--labels', '<file>'],
    ['calibrate', '--results-csv', '<file>', '--tier-column', 'cheap=a', '--tier-column', 'frontier=b', '--tier-cost', 'cheap=1,frontier=2'],
    ['drift', '--baseline', '<file>', '--current', LOG],
    ['label', '<file>', '--dry-run'],
  ];
  it.each([...COMMANDS.slice(0, 3).map((c) => ['prose', c] as const), ...SEEDS.flatMap((seed) => COMMANDS.map((c) => [seed, c] as const))])('%s: %s', async (input, args) => {
    const file = input === 'prose' ? prose : binaryOf(input);
    const r = await runCli(args.map((a) => (a === '<file>' ? file : a)));
    expectOneShortLine(r);
  });

  it('a long quoted value is cut to an excerpt that says so', async () => {
    const r = await runCli(['config', 'check', prose]);
    expect(r.stderr).toContain(`${path.basename(prose)}:1:1:`);
    expect(r.stderr).toContain(`(got "${'word '.repeat(12)}…")`);
  });

  it('a labels CSV with a long broken field names file and line, and cuts the field', async () => {
    const labels = path.join(dir, 'labels.csv');
    writeFileSync(labels, `requestId,label\nr1,easy\n${'x'.repeat(5000)}"y,easy\n`);
    const r = await runCli(['analyze', LOG, '--labels', labels]);
    expectOneShortLine(r);
    expect(r.stderr).toContain(`${labels}:3: not valid CSV`);
    expect(r.stderr).toContain(`"${'x'.repeat(60)}…"`);
  });
});

describe('a truncated gzip is said on stderr', () => {
  it('analyze: one stderr line naming the file and the last line read, exit code unchanged', async () => {
    const r = await runCli(['analyze', 'fixtures/ingest/truncated.jsonl.gz']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('tokor: fixtures/ingest/truncated.jsonl.gz is truncated after line 4; the rest of the file was not read\n');
  });

  it('a gzip cut inside its first line is truncated, not a malformed document', async () => {
    const first = readFileSync('fixtures/ingest/bedrock-bodies.jsonl', 'utf8').split('\n')[0]!;
    const whole = gzipSync(`${first}\n`);
    const cut = path.join(dir, 'trunc.jsonl.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await runCli(['analyze', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is truncated before the end of its first line');
    expect(r.stderr).not.toContain('malformed JSON document');
  });
});

describe('tokor label on unreadable input', () => {
  it('names the file and first bad line, and gives no logging advice', async () => {
    const binary = path.join(dir, 'unreadable.jsonl');
    writeFileSync(binary, Buffer.concat([Buffer.from('{not json\n'), seededBytes(2048, 11)]));
    const r = await runCli(['label', binary, '--dry-run']);
    expectOneShortLine(r);
    expect(r.stderr).toContain(`the first ${binary}:1: malformed JSON`);
    expect(r.stderr).not.toContain('invocation logging');
  });

  it('records without prompt bodies still get the advice about bodies', async () => {
    const r = await runCli(['label', CUSTOM_CSV, '--map', CUSTOM_MAP, '--dry-run']);
    expectOneShortLine(r);
    expect(r.stderr).toContain('2 without a prompt body');
    expect(r.stderr).toContain('give logs with text bodies');
  });
});

describe('help and config check', () => {
  it('tokor athena --help has examples', async () => {
    const r = await runCli(['athena', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  $ tokor athena ddl');
  });

  it('config check reports unknown keys and a misspelt tier model in one run', async () => {
    const file = path.join(dir, 'three-problems.yaml');
    writeFileSync(
      file,
      [
        'foo: 1',
        'bar: 2',
        'tiers:',
        '  - name: cheap',
        '    model: us.amazon.nova-lite-v1:0',
        '  - name: frontier',
        '    model: us.anthropic.claude-sonet-4-5-20250929-v1:0',
        '',
      ].join('\n'),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(':1:1: foo: unknown key "foo"');
    expect(lines[1]).toContain(':2:1: bar: unknown key "bar"');
    expect(lines[2]).toContain(':7:5: tiers[1].model: no price in the catalog for "us.anthropic.claude-sonet-4-5-20250929-v1:0" (did you mean "us.anthropic.claude-sonnet-4-5-20250929-v1:0"?)');
  });

  it('--max-psi is described as the PSI a measure may reach, not as a minimum', async () => {
    for (const cmd of ['drift', 'gate']) {
      const help = (await runCli([cmd, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help).toMatch(/--max-psi <psi> (--traffic: )?the (PSI|population-stability index) a measure may reach: below it the measure is stable/);
      expect(help).not.toContain('PSI is at least this');
    }
  });

  it('every command writes its defaults one way, (default: X)', async () => {
    const commands = [['analyze'], ['prices'], ['eval'], ['label'], ['calibrate'], ['gate'], ['init'], ['costs'], ['report'], ['drift'], ['athena', 'ddl'], ['config', 'check']];
    for (const cmd of commands) {
      const help = (await runCli([...cmd, '--help'])).stdout.replace(/\s+/g, ' ');
      expect(help, cmd.join(' ')).not.toMatch(/\(default [^:]|default: "/);
    }
  });
});
