import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTraffic } from '../../src/engines/inprocess/index.js';
import { collect, recordsOf, repoPath, skipsOf } from './helpers.js';

const SCRIPT = repoPath('scripts/gen-bedrock-logs.mjs');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokor-gen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function gen(...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

const KEY_RE = /^AWSLogs\/210987654321\/BedrockModelInvocationLogs\/(us-east-1|us-west-2|eu-central-1)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/\d{8}T\d{9}Z_[0-9a-f]{16}\.json\.gz$/;
const AWS_KEYS = new Set([
  'schemaType', 'schemaVersion', 'timestamp', 'accountId', 'identity', 'region', 'requestId', 'operation', 'modelId',
  'input', 'output', 'inferenceRegion', 'requestMetadata', 'errorCode',
]);

describe('scripts/gen-bedrock-logs.mjs', () => {
  it('s3 layout: the AWS key layout, gzip objects, records in their hour folder, all readable', async () => {
    const out = join(dir, 's3');
    const r = gen('--out', out, '--records', '300', '--seed', '5', '--days', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/300 records/);
    const files = await filesUnder(out);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const m = KEY_RE.exec(f);
      expect(m, f).not.toBeNull();
      const buf = await readFile(join(out, f));
      expect([buf[0], buf[1]]).toEqual([0x1f, 0x8b]);
      for (const line of gunzipSync(buf).toString('utf8').trimEnd().split('\n')) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        expect(Object.keys(rec).every((k) => AWS_KEYS.has(k))).toBe(true);
        expect(rec.schemaType).toBe('ModelInvocationLog');
        expect(rec.region).toBe(m![1]);
        expect(String(rec.timestamp).slice(0, 13)).toBe(`${m![2]}-${m![3]}-${m![4]}T${m![5]}`);
        expect(rec.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
    }
    const evs = await collect(readTraffic([out]));
    expect(skipsOf(evs)).toEqual([]);
    const recs = recordsOf(evs);
    expect(recs).toHaveLength(300);
    expect(recs.every((x) => x.tags.sample === 'tokor-synthetic' && x.tags.team !== undefined && x.tags.app !== undefined)).toBe(true);
  });

  it('is deterministic: same seed, same bytes; another seed, other records', async () => {
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    const c = join(dir, 'det-c');
    for (const [out, seed] of [[a, '9'], [b, '9'], [c, '10']] as const) {
      expect(gen('--out', out, '--records', '120', '--seed', seed, '--days', '1', '--file-hours', '6').code).toBe(0);
    }
    const fa = await filesUnder(a);
    expect(await filesUnder(b)).toEqual(fa);
    for (const f of fa) expect((await readFile(join(b, f))).equals(await readFile(join(a, f)))).toBe(true);
    expect(await filesUnder(c)).not.toEqual(fa);
  });

  it('single layout with --gzip and --body-bytes: one gzip JSONL file with bodies of a few KB', async () => {
    const out = join(dir, 'single', 'traffic.jsonl.gz');
    expect(gen('--out', out, '--layout', 'single', '--gzip', '--records', '200', '--seed', '3', '--body-bytes', '3000').code).toBe(0);
    const buf = await readFile(out);
    expect([buf[0], buf[1]]).toEqual([0x1f, 0x8b]);
    const recs = recordsOf(await collect(readTraffic([out])));
    expect(recs).toHaveLength(200);
    const withBodies = recs.filter((r) => r.prompt !== undefined);
    const mean = withBodies.reduce((s, r) => s + r.prompt!.length + (r.system?.length ?? 0) + (r.outputText?.length ?? 0), 0) / withBodies.length;
    expect(mean).toBeGreaterThan(3000);
    expect(mean).toBeLessThan(6000);
  });

  it('token counts follow the text (about 4 characters per token)', async () => {
    const out = join(dir, 'tokens.jsonl');
    expect(gen('--out', out, '--layout', 'single', '--records', '400', '--seed', '11').code).toBe(0);
    const recs = recordsOf(await collect(readTraffic([out]))).filter(
      (r) => r.operation === 'Converse' && r.prompt !== undefined && r.turns === 1 && r.tokens.cacheRead === 0 && r.tokens.cacheWrite === 0,
    );
    expect(recs.length).toBeGreaterThan(100);
    for (const r of recs) {
      const chars = r.prompt!.length + (r.system?.length ?? 0);
      // ±10% of chars/4, plus a per-message overhead of up to 15 tokens.
      expect(r.tokens.input).toBeGreaterThanOrEqual(Math.floor((chars / 4) * 0.9));
      expect(r.tokens.input).toBeLessThanOrEqual(Math.ceil((chars / 4) * 1.1) + 15);
      expect(Math.abs(r.tokens.output - r.outputText!.length / 4)).toBeLessThanOrEqual(Math.max(2, r.outputText!.length / 4 * 0.1));
    }
  });

  it('rejects bad arguments with exit code 2', () => {
    expect(gen('--records', '10').code).toBe(2);
    expect(gen('--out', join(dir, 'x'), '--layout', 'tree').code).toBe(2);
    const help = gen('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--layout s3\|single/);
  });
});
