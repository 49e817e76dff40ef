/**
 * `tokor analyze --claude-code` (#15.3): Claude Code's own transcript folders, found from a temporary HOME or
 * CLAUDE_CONFIG_DIR given to the built CLI (never the real home). The transcripts are
 * fixtures/ingest/claude-code/projects (hand-computed in test/ingest/claudeCode.test.ts): project /Users/dev/shop
 * $0.01997 (three responses, one a subagent's), project /Users/dev/infra $0.016005, total $0.035975.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

const PROJECTS = path.join(ROOT, 'fixtures/ingest/claude-code/projects');

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'tokor-cc-'));
}

function analyzeJson(stdout: string): { records: { valid: number }; cost: { actual: number }; byGroup: { group: string; requests: number; costUsd: number }[]; sources: { files: number } } {
  return JSON.parse(stdout);
}

describe('analyze --claude-code (built CLI)', () => {
  it('reads ~/.claude/projects of HOME, subagents included, to the cent', async () => {
    const home = tempDir();
    cpSync(PROJECTS, path.join(home, '.claude', 'projects'), { recursive: true });
    const r = await runCli(['analyze', '--claude-code', '--group-by', 'project', '--format', 'json'], { cwd: home, clean: true, env: { HOME: home, CLAUDE_CONFIG_DIR: undefined } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = analyzeJson(r.stdout);
    expect(out.sources.files).toBe(3);
    expect(out.records.valid).toBe(4);
    expect(out.cost.actual).toBe(0.035975);
    expect(out.byGroup.map((g) => [g.group, g.requests, g.costUsd])).toEqual([
      ['/Users/dev/shop', 3, 0.01997],
      ['/Users/dev/infra', 1, 0.016005],
    ]);
  });

  it('CLAUDE_CONFIG_DIR: a comma-separated list of config dirs, each read at its projects folder; ~ expands', async () => {
    const home = tempDir();
    for (const [dir, project] of [['.claude-work', '-Users-dev-shop'], ['.claude-personal', '-Users-dev-infra']] as const) {
      mkdirSync(path.join(home, dir, 'projects'), { recursive: true });
      cpSync(path.join(PROJECTS, project), path.join(home, dir, 'projects', project), { recursive: true });
    }
    // A default ~/.claude is not read when the variable names the dirs.
    cpSync(PROJECTS, path.join(home, '.claude', 'projects'), { recursive: true });
    const r = await runCli(['analyze', '--claude-code', '--group-by', 'project', '--format', 'json'], {
      cwd: home,
      clean: true,
      env: { HOME: home, CLAUDE_CONFIG_DIR: `${path.join(home, '.claude-work')}, ~/.claude-personal` },
    });
    expect(r.code).toBe(0);
    const out = analyzeJson(r.stdout);
    expect(out.sources.files).toBe(3);
    expect(out.cost.actual).toBe(0.035975);
    expect(out.byGroup.map((g) => [g.group, g.costUsd])).toEqual([
      ['/Users/dev/shop', 0.01997],
      ['/Users/dev/infra', 0.016005],
    ]);
  });

  it('no transcripts: one line naming where it looked, exit 2', async () => {
    const home = tempDir();
    const r = await runCli(['analyze', '--claude-code'], { cwd: home, clean: true, env: { HOME: home, CLAUDE_CONFIG_DIR: undefined } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--claude-code: no Claude Code transcripts: no projects folder in ${path.join(home, '.config/claude/projects')}, ${path.join(home, '.claude/projects')}`);
    const v = await runCli(['analyze', '--claude-code'], { cwd: home, clean: true, env: { HOME: home, CLAUDE_CONFIG_DIR: path.join(home, 'nowhere') } });
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(`no projects folder in ${path.join(home, 'nowhere', 'projects')}; check CLAUDE_CONFIG_DIR`);
  });
});
