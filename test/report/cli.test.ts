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
