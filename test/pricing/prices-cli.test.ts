// End to end: the built bin (`npm run build` first; `npm test` does it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'tokor-prices-cli-')); // no tokor.config.yaml here

function tokor(...args: string[]) {
  return runCli(['prices', ...args], { cwd });
}

describe('tokor prices (built bin)', () => {
  it('lists every price as a table within 120 columns', async () => {
    const r = await tokor();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // The full list no longer fits the 1h cache-write column at 100 columns (a 6-character rate, Haiku 5.5's
    // regional 0.1375): the table says so; a filtered list (--provider anthropic) keeps it.
    expect(r.stdout).toMatch(/^anthropic\.claude-sonnet-4-5 +global +3 +15 +0\.3 +3\.75 /m);
    expect(r.stdout).toMatch(/^\(left out at this width: cw 1h, effective; /m);
    expect(r.stdout).toMatch(/^azure-openai\/gpt-4o +global +2\.5 +10 /m);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    const anthropic = await tokor('--provider', 'anthropic');
    expect(anthropic.stdout).toMatch(/^anthropic\/claude-opus-5-5 +global +4 +20 +0\.2 +5 +8 +50% /m);
  });

  it('--format json is an array; --region and --provider filter', async () => {
    const r = await tokor('--provider', 'bedrock', '--region', 'eu-central-1', '--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { key: string; region: string; provider: string }[];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((p) => p.region === 'eu-central-1' && p.provider === 'bedrock')).toBe(true);
    expect(rows.map((p) => p.key)).toContain('amazon.nova-lite');
  });

  it('--model shows how an ID resolves, with the fallback note', async () => {
    const r = await tokor('--model', 'eu.amazon.nova-pro-v1:0', '--region', 'eu-west-3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^canonical key +amazon\.nova-pro$/m);
    expect(r.stdout).toMatch(/^note +us-east-1 price used: no eu-west-3 price$/m);
  });

  it('--model with no price exits 2 with near matches on stderr and nothing on stdout', async () => {
    const r = await tokor('--model', 'anthropic.claude-sonet-4-5-20250929-v1:0');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tokor: no price for anthropic\.claude-sonet-4-5-20250929-v1:0 \(canonical key anthropic\.claude-sonet-4-5\); near matches: anthropic\.claude-sonnet-4-5/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--catalog merges a user file; a bad one exits 2 naming file and line', async () => {
    const good = path.join(cwd, 'prices.yaml');
    writeFileSync(good, 'prices:\n  - key: acme.tiny\n    input: "0.01"\n    output: "0.02"\n');
    const r = await tokor('--catalog', good, '--model', 'acme.tiny-v1:0', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ canonicalKey: 'acme.tiny', price: { key: 'acme.tiny', region: '*', output: '0.02' } });

    const bad = path.join(cwd, 'bad.yaml');
    writeFileSync(bad, 'prices:\n  - key: acme.tiny\n    input: lots\n    output: "0.02"\n');
    const b = await tokor('--catalog', bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`tokor: ${bad}:3:5: prices[0] (acme.tiny).input: rate "lots" is not a plain decimal number of USD per 1M tokens (e.g. "3.30")\n`);
  });

  it('rejects an unknown --format as a usage error', async () => {
    const r = await tokor('--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are table, json, csv, markdown/);
  });

  it('--help shows examples', async () => {
    const r = await tokor('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n +\$ tokor prices /);
  });
});
