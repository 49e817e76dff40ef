/**
 * Output files through the built CLI: every output path checked before the
 * work starts (exit 2, one line, nothing half-written), reports replaced
 * atomically, eval/label results never wiped or written by two runs at once,
 * file-system failures worded once, paths built from data confined to the
 * directory the user named, and `tokor init --gateway openai && tokor eval`
 * (#11.10, #11.12, #12.4, #12.5, #12.7, #12.16). Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startCli } from '../helpers/cli.js';
import { chatOk, startOpenAIServer, type ChatReply, type OpenAIServer } from '../helpers/openai-server.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let openai: OpenAIServer;

function start(args: string[], opts: { cwd?: string; env?: Record<string, string>; prefix?: string[] } = {}) {
  return startCli(args, { cwd: opts.cwd ?? dir, env: { HOME: dir, ...opts.env }, clean: true, prefix: opts.prefix });
}
const tokor = (args: string[], opts: Parameters<typeof start>[1] = {}) => start(args, opts).done;

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-outputs-'));
  writeFileSync(path.join(dir, 'ds.jsonl'), Array.from({ length: 4 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `question ${i}`, expected: `answer:question ${i}` })).join('\n') + '\n');
  openai = await startOpenAIServer((req) => chatOk(`answer:${req.text}`));
});
afterAll(() => openai?.close());

const live = (out: string) => ['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'ds.jsonl', '--no-cache', '--out', out, '--format', 'json'];

describe('every output path is checked before the work starts (#12.5, #12.16)', () => {
  // A directory that does not exist: every command says so in one line and exits 2 without writing anything.
  it.each([
    ['analyze', ['analyze', '--out', 'nodir/a.json']],
    ['costs', ['costs', '--from-file', 'ds.jsonl', '--out', 'nodir/c.json']],
    ['report', ['report', '--analyze', 'ds.jsonl', '--out', 'nodir/r.html']],
    ['prices', ['prices', '--out', 'nodir/p.txt']],
    ['gate --markdown', ['gate', '--markdown', 'nodir/g.md']],
    ['gate --junit', ['gate', '--junit', 'nodir/g.xml']],
    ['eval --out', ['eval', '--out', 'nodir/r.jsonl']],
    ['label --out', ['label', 'ds.jsonl', '--out', 'nodir/l.jsonl']],
  ])('%s into a missing directory: exit 2, one line naming the path and what to do', async (_, args) => {
    const r = await tokor(args);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^tokor: nodir\/\w+\.\w+: cannot write (results |labels )?\(no such file or directory\); create the directory first, or choose another path$/);
  }, 60_000);

  it('calibrate --out p.json --out-router nodir/r.json: refused before anything is written; an existing p.json is kept', async () => {
    writeFileSync(path.join(dir, 'p.json'), '{"kept": true}\n');
    const r = await tokor(['calibrate', '--out', 'p.json', '--out-router', 'nodir/r.json']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^tokor: nodir\/r\.json: cannot write \(no such file or directory\)/);
    expect(readFileSync(path.join(dir, 'p.json'), 'utf8')).toBe('{"kept": true}\n');
  }, 60_000);

  it('two flags naming one file are refused', async () => {
    const r = await tokor(['calibrate', '--out', 'same.json', '--out-router', 'same.json']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /--out and --out-router both name same\.json/);
  }, 60_000);

  it('analyze --out replaces the report through a new file (a rename), never by rewriting it in place', async () => {
    const out = path.join(dir, 'a.json');
    writeFileSync(out, 'old report\n');
    const before = statSync(out).ino;
    const r = await tokor(['analyze', '--format', 'json', '--out', 'a.json']);
    expect(r.code).toBe(0);
    expect(statSync(out).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('records');
    // No temporary files left beside it.
    expect(readdirSync(dir).filter((f) => f.startsWith('a.json.') || f.includes('.probe'))).toEqual([]);
  }, 60_000);
});

describe('eval --out keeps earlier results and one run at a time (#12.5)', () => {
  it('an --out that holds results is refused without --resume or --overwrite, untouched; --overwrite replaces it', async () => {
    const first = await tokor(live('kept.jsonl'));
    expect(first.code).toBe(0);
    const before = readFileSync(path.join(dir, 'kept.jsonl'), 'utf8');
    openai.requests.length = 0;
    const again = await tokor(live('kept.jsonl'));
    expect(again.code).toBe(2);
    expectOneLine(again.stderr, /^tokor: kept\.jsonl already holds results: add --resume to continue that run, or --overwrite to replace it$/);
    expect(openai.requests).toHaveLength(0);
    expect(readFileSync(path.join(dir, 'kept.jsonl'), 'utf8')).toBe(before);
    const over = await tokor([...live('kept.jsonl'), '--overwrite']);
    expect(over.code).toBe(0);
    expect(readFileSync(path.join(dir, 'kept.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  }, 60_000);

  it('a second run on the same --out while the first runs is refused and pays for nothing; a lock left by a dead run is taken over', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    openai.requests.length = 0;
    openai.setBehaviour(async (req): Promise<ChatReply> => {
      await held;
      return chatOk(`answer:${req.text}`);
    });
    const first = start(live('busy.jsonl'));
    try {
      await waitFor(() => openai.requests.length >= 4, 'the first run to send all four requests (held)');
      const sent = openai.requests.length;
      const second = await tokor([...live('busy.jsonl'), '--resume']);
      expect(second.code).toBe(2);
      expectOneLine(second.stderr, /^tokor: .*busy\.jsonl is being written by another tokor run \(pid \d+\): wait for it to finish, give --out another file, or delete .*busy\.jsonl\.lock if no run is active$/);
      expect(openai.requests).toHaveLength(sent);
    } finally {
      release();
    }
    expect((await first.done).code).toBe(0);
    expect(existsSync(path.join(dir, 'busy.jsonl.lock'))).toBe(false);
    openai.setBehaviour((req) => chatOk(`answer:${req.text}`));

    // A lock whose process is gone (a run killed with -9) does not block.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'stale.jsonl.lock'), JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname(), started: '2025-01-01T00:00:00Z' }));
    const after = await tokor(live('stale.jsonl'));
    expect(after.code).toBe(0);
    expect(existsSync(path.join(dir, 'stale.jsonl.lock'))).toBe(false);
  }, 60_000);
});

describe('file-system failures are one line with the path and what to do (#12.7, #11.12)', () => {
  it('eval --resume in a read-only directory: one line, exit 2, no stack', async () => {
    const ro = path.join(dir, 'ro');
    mkdirSync(ro);
    writeFileSync(path.join(ro, 'ds.jsonl'), readFileSync(path.join(dir, 'ds.jsonl')));
    // One finished and one errored line: resume must rewrite the file (the errored item is run again).
    writeFileSync(
      path.join(ro, 'existing.jsonl'),
      [
        { schemaVersion: 1, datasetId: 'ds', itemId: 'q0', tier: 'adhoc', model: 'gpt-test', pass: true, score: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, latencyMs: 1, output: 'answer:question 0', graders: [] },
        { schemaVersion: 1, datasetId: 'ds', itemId: 'q1', tier: 'adhoc', model: 'gpt-test', pass: false, score: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, latencyMs: 0, output: '', graders: [], error: 'HTTP500 (500): boom' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    // A read-only bind mount in a user and mount namespace of our own (no root needed).
    const args = ['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'ds.jsonl', '--no-cache', '--out', 'existing.jsonl', '--resume', '--format', 'json'];
    const script = `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && cd "$0" && exec "$@"`;
    const r = await tokor(args, { cwd: ro, prefix: ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', script, ro] });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^tokor: .*existing\.jsonl: cannot write (?:results )?\(read-only file system\); choose a path on a writable disk$/);
    expect(readFileSync(path.join(ro, 'existing.jsonl'), 'utf8')).toContain('HTTP500');
  }, 60_000);

  it('a missing input says "no such file", never the code', async () => {
    const r = await tokor(['report', '--analyze', 'missing.json', '--out', 'r.html']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^tokor: missing\.json: cannot read \(no such file or directory\); check the path$/);
    expect(r.stderr).not.toContain('ENOENT');
  }, 60_000);
});

describe('paths built from data stay in the directory the user named (#12.4)', () => {
  it('eval --record with a dataset ID of ../../escape-ds writes inside the --record directory only', async () => {
    const work = path.join(dir, 'rec-work');
    mkdirSync(path.join(work, 'recdir', 'sub'), { recursive: true });
    writeFileSync(path.join(work, 'evil.jsonl'), [JSON.stringify({ datasetId: '../../escape-ds' }), JSON.stringify({ id: 'x', prompt: 'question 0', expected: 'answer:question 0' })].join('\n') + '\n');
    const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--tier', '../../tier', '--endpoint-url', openai.baseUrl, '--dataset', 'evil.jsonl', '--no-cache', '--record', 'recdir/sub', '--format', 'json'], { cwd: work });
    expect(r.code).toBe(0);
    expect(readdirSync(work).sort()).toEqual(['evil.jsonl', 'recdir']);
    expect(readdirSync(path.join(work, 'recdir'))).toEqual(['sub']);
    const inside = readdirSync(path.join(work, 'recdir', 'sub'), { recursive: true }).map(String).sort();
    expect(inside).toEqual(['%2E.%2F..%2Fescape-ds', '%2E.%2F..%2Fescape-ds/recordings', '%2E.%2F..%2Fescape-ds/recordings/%2E.%2F..%2Ftier.jsonl']);
    // The recording replays from there.
    const replay = await tokor(['eval', '--provider', 'replay', '--model', 'gpt-test', '--tier', '../../tier', '--dataset', 'evil.jsonl', '--recordings', 'recdir/sub', '--format', 'json'], { cwd: work });
    expect(replay.code).toBe(0);
  }, 60_000);
});

describe('tokor init --gateway openai, then tokor eval (#11.10)', () => {
  it('stops with one line saying to add --dataset instead of replaying the Bedrock sample recordings as the configured tiers', async () => {
    const work = path.join(dir, 'init-openai');
    mkdirSync(work);
    expect((await tokor(['init', '--gateway', 'openai'], { cwd: work })).code).toBe(0);
    const r = await tokor(['eval'], { cwd: work });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^tokor: tokor\.config\.yaml sets tiers \(cheap: gpt-4o-mini, mid: gpt-4\.1-mini, frontier: gpt-4o\) that the bundled sample recordings do not cover: add --dataset FILE to evaluate them/);
    // The bedrock starter has the models the recordings are of: it still replays them.
    const bedrockWork = path.join(dir, 'init-bedrock');
    mkdirSync(bedrockWork);
    expect((await tokor(['init', '--gateway', 'bedrock'], { cwd: bedrockWork })).code).toBe(0);
    expect((await tokor(['eval', '--format', 'json'], { cwd: bedrockWork })).code).toBe(0);
  }, 60_000);
});

describe('a single-tier ad-hoc eval has no "cheapest tier" to pick (#11.12)', () => {
  it('the table and Markdown leave out the cheapest-tier line and column', async () => {
    for (const format of ['table', 'markdown']) {
      const r = await tokor(['eval', '--provider', 'openai', '--model', 'gpt-test', '--endpoint-url', openai.baseUrl, '--dataset', 'ds.jsonl', '--no-cache', '--format', format]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('adhoc');
      expect(r.stdout).not.toMatch(/Cheapest tier/i);
      expect(r.stdout).not.toContain('cheapest ≥ bar');
    }
  }, 60_000);
});
