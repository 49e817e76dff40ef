/**
 * The CI examples users copy (examples/github-actions, examples/gitlab-ci): their shell steps, run as written in
 * recorded mode in a project laid out as docs/ci.md says (tokor.config.yaml, golden/<name>/dataset.jsonl with its
 * recordings), with `tokor` on PATH as the built CLI. The install step takes tokor from TOKOR_PACKAGE (tokor is
 * not on the npm registry) and stops with one line when it is unset.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, ROOT } from '../helpers/cli.js';

interface Step {
  name?: string;
  run?: string;
}

const github = parse(readFileSync(path.join(ROOT, 'examples/github-actions/tokor-gate.yml'), 'utf8')) as { jobs: { gate: { steps: Step[] } } };
const gitlab = parse(readFileSync(path.join(ROOT, 'examples/gitlab-ci/tokor-gate.gitlab-ci.yml'), 'utf8')) as Record<string, { script?: string[] }>;
const steps = github.jobs.gate.steps;
const run = (name: string) => steps.find((s) => s.name === name)?.run ?? '';
/** A GitHub Actions expression as the workflow writes it: `${{ vars.NAME }}`. */
const ghVar = (name: string) => ['$', '{{ vars.', name, ' }}'].join('');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project as the examples expect it, and a `tokor` on PATH that runs the built CLI. */
function project(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tokor-ci-'));
  dirs.push(cwd);
  cpSync(path.join(ROOT, 'golden-datasets'), path.join(cwd, 'golden'), { recursive: true });
  cpSync(path.join(ROOT, 'policies/default.tokor.config.yaml'), path.join(cwd, 'tokor.config.yaml'));
  mkdirSync(path.join(cwd, 'bin'));
  writeFileSync(path.join(cwd, 'bin/tokor'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(path.join(cwd, 'bin/tokor'), 0o755);
  return { cwd, env: { PATH: `${path.join(cwd, 'bin')}:${process.env.PATH}`, HOME: cwd, NO_COLOR: '1' } };
}

function bash(script: string, p: { cwd: string; env: NodeJS.ProcessEnv }) {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: p.cwd, env: p.env, encoding: 'utf8', timeout: 120_000 });
}

describe('the CI examples', () => {
  it('GitHub Actions: the eval and gate steps, as written, pass the bundled golden data in recorded mode', () => {
    const p = project();
    // Recorded mode: the repository variable TOKOR_LIVE is unset; no --base on a first run.
    const script = [run('tokor eval'), run('tokor gate')].join('\n').replaceAll(ghVar('TOKOR_LIVE'), '');
    expect(script).toContain('tokor gate --policy tokor.config.yaml');
    const r = bash(script, p);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(p.cwd, 'gate.md'), 'utf8')).toMatch(/pass/);
    expect(readFileSync(path.join(p.cwd, 'gate.xml'), 'utf8')).toMatch(/<testsuite/);
    for (const name of ['support-triage', 'doc-extraction', 'multistep-reasoning']) expect(existsSync(path.join(p.cwd, `results-${name}.jsonl`))).toBe(true);
  });

  it('GitHub Actions: the install step takes tokor from TOKOR_PACKAGE and stops with one line when it is unset', () => {
    const install = run('Install tokor');
    expect(install).toContain(`npm install --global "${ghVar('TOKOR_PACKAGE')}"`);
    expect(install).not.toMatch(/npm install --global tokor\b/);
    const r = bash(install.replaceAll(ghVar('TOKOR_PACKAGE'), ''), project());
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual(['::error::set the repository variable TOKOR_PACKAGE to where tokor comes from (a git URL at a commit, or an npm pack tarball)']);
  });

  it('GitLab CI: the same eval loop and gate command, and the same install rule', () => {
    const script = Object.values(gitlab).find((j) => Array.isArray(j?.script))!.script!;
    expect(script.join('\n')).toContain('npm install --global "$TOKOR_PACKAGE"');
    expect(script.join('\n')).not.toMatch(/npm install --global tokor\b/);
    const p = project();
    const evalLoop = script.find((s) => s.includes('tokor eval'))!;
    const r = bash(['tokor config check tokor.config.yaml', evalLoop].join('\n'), p);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The gate's flags are the GitHub job's (which the first test runs), but for the base config's variable.
    const flags = (s: string) => s.replace(/\\\n\s*/g, ' ').match(/tokor gate [^\n]*/)![0].split(/\s+/).filter((w) => w.startsWith('--')).sort();
    expect(flags(script.find((s) => s.includes('tokor gate'))!)).toEqual(flags(run('tokor gate')));
  });
});
