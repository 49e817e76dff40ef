/** `tokor report` end to end through the built bin (npm run build first). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const F = 'fixtures/report';
let dir: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'commands', 'report.js'))) throw new Error('dist/ is missing the report command: run `npm run build` first');
  dir = mkdtempSync(path.join(tmpdir(), 'tokor-report-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokor report (built CLI)', () => {
  it('writes one self-contained page from all four inputs', async () => {
    const out = path.join(dir, 'report.html');
    const r = await runCli(['report', '--analyze', `${F}/analyze.json`, '--eval', `${F}/eval-results.jsonl`, `${F}/eval-summary.json`, '--calibrate', `${F}/calibrate.json`, '--costs', `${F}/costs.json`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.match(/data-chart="/g)).toHaveLength(12);
    expect(page).toContain('Content-Security-Policy');
    expect(page).not.toMatch(/<script/i);
    expect(page).toMatch(/<p class="claim"><span class="figure">\d+\.\d% cheaper than all-frontier at [\d.]+% quality parity \(95% CI [\d.]+–[\d.]+%\)<\/span><\/p>/);
    expect(page).toContain(`<code>${F}/calibrate.json</code>`);
  }, 60_000);

  it('shows sessions and prompt caches from the analyze JSON: the two cache-aware ceilings and the fragmentation loss', async () => {
    const json = path.join(dir, 'sessions.json');
    const args = ['fixtures/analyze/sessions/bedrock.jsonl', '--session-key', 'conversation', '--labels', 'fixtures/analyze/sessions/labels.jsonl', '--tiers', 'cheap=anthropic.claude-haiku-4-5-20251001-v1:0,frontier=anthropic.claude-sonnet-4-5-20250929-v1:0'];
    const a = await runCli(['analyze', ...args, '--format', 'json', '--out', json]);
    expect(a.code).toBe(0);
    const j = JSON.parse(readFileSync(json, 'utf8'));
    const r = await runCli(['report', '--analyze', json]);
    expect(r.code).toBe(0);
    const fig = r.stdout.split('id="fig-sessions"')[1]!.split('</figure>')[0]!;
    // The README's example: per request loses $0.0912 to cold caches (3 of 6 turns), the session-pinned ceiling is the better.
    expect(fig).toContain(`loses ${'$'}${j.cost.fragmentationLossUsd.toFixed(4)} to cold caches`);
    expect(fig).toContain('3 of 6 turns find their prefix cold');
    expect(fig).toContain('the better routing is each session pinned to one tier');
    expect(fig).toContain(`${j.savings.ceilingSessionPinnedPct.toFixed(1)}%`);
    // A negative figure is written with a minus sign (−16.6%): per-request routing costs more than all-frontier here.
    expect(fig).toContain(`${j.savings.ceilingPerRequestPct.toFixed(1).replace('-', '−')}%`);
    // analyze --format html draws the same figure from the report in memory.
    const html = await runCli(['analyze', ...args, '--format', 'html']);
    expect(html.stdout.split('id="fig-sessions"')[1]!.split('</figure>')[0]).toBe(fig);
  }, 60_000);

  it('writes to stdout without --out, repeated --eval flags adding up', async () => {
    const r = await runCli(['report', '--eval', `${F}/eval-summary.json`, '--eval', `${F}/eval-results.jsonl`, '--title', 'Q4 <eval>']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<title>Q4 &lt;eval&gt;</title>');
    expect(r.stdout).toContain('id="fig-eval-1"');
    expect(r.stdout).toContain('data-headline="eval-only"');
  }, 60_000);

  it('exits 2 naming the file when an input is not what its flag says', async () => {
    const wrong = await runCli(['report', '--analyze', `${F}/costs.json`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`tokor: ${F}/costs.json: not a tokor analyze JSON (it looks like a tokor costs JSON: give it to --costs); --analyze expects the output of \`tokor analyze --format json\` (keys cost, distribution, records)\n`);
    expect(wrong.stdout).toBe('');
    // An analyze JSON of an older tokor is refused, not guessed at.
    const old = await runCli(['report', '--analyze', `${F}/analyze-v1.json`]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(new RegExp(`^tokor: ${F}/analyze-v1\\.json:2: schemaVersion: 1 is an analyze JSON of an older tokor \\(this one reads 3\\); give the output of \`tokor analyze --format json\` \\(docs/analyze\\.md\\)\n$`));
    expect(old.stdout).toBe('');
    const bad = await runCli(['report', '--eval', `${F}/eval-results-bad.jsonl`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^tokor: ${F}/eval-results-bad\\.jsonl:3: not valid JSON`));
    const missing = await runCli(['report', '--costs', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`tokor: ${path.join(dir, 'nope.json')}: cannot read (no such file or directory); check the path\n`);
    const none = await runCli(['report']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to report/);
  }, 60_000);
});
