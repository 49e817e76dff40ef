/**
 * Where Claude Code keeps its session transcripts, for `tokor analyze --claude-code`.
 *
 * Claude Code writes `<config dir>/projects/<project>/<session>.jsonl`. Its config dir is
 * `$CLAUDE_CONFIG_DIR` when set (Claude Code reads one directory there; tools that sum several
 * accounts, ccusage among them, also accept a comma-separated list, and so does tokor), else
 * `~/.claude`; some Claude Code versions used `~/.config/claude`, so without the variable both are
 * looked at. A config dir is used when it has a `projects` folder; a path that already ends in
 * `projects` is taken as the projects folder itself.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface ClaudeCodeDirs {
  /** The `projects` folders found (each read recursively: sessions and their subagents). */
  found: string[];
  /** Every folder looked at, for the message when none exists. */
  looked: string[];
  /** What decided where to look: the variable, or the default locations. */
  from: 'CLAUDE_CONFIG_DIR' | 'default';
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** The projects folders of every Claude Code config dir named by `env` (CLAUDE_CONFIG_DIR) or the defaults under `home`. */
export async function claudeCodeProjectDirs(env: Readonly<Record<string, string | undefined>>, home: string): Promise<ClaudeCodeDirs> {
  const variable = env.CLAUDE_CONFIG_DIR?.trim();
  const roots = variable
    ? variable.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => path.resolve(expandHome(p, home)))
    : [path.join(home, '.config', 'claude'), path.join(home, '.claude')];
  const looked: string[] = [];
  const found: string[] = [];
  for (const root of [...new Set(roots)]) {
    const projects = path.basename(root) === 'projects' ? root : path.join(root, 'projects');
    if (looked.includes(projects)) continue;
    looked.push(projects);
    if (await isDir(projects)) found.push(projects);
  }
  return { found, looked, from: variable ? 'CLAUDE_CONFIG_DIR' : 'default' };
}
