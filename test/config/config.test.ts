import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText, vocabularyFor } from '../../src/config/load.js';
import { PATTERNS, ROUTING_PATTERNS } from '../../src/calibrate/patterns/index.js';
import { PROVIDERS } from '../../src/providers/index.js';
import { checkConfigFile } from '../../src/config/check.js';
import { AGGRESSIVENESS_PRESETS, allKeyPaths, describeConfig, matchesScope, qualityOf, scopesOf, validateConfig, type TokorConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import { GATEWAYS, starterConfig } from '../../src/gate/starterConfig.js';
import { writeStarterConfig } from '../../src/app/init.js';

/** The commented "# key:" block of a template, uncommented (up to the next blank line). */
function commentedBlock(text: string, key: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`# ${key}:`));
  if (start < 0) throw new Error(`no commented ${key} block`);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('#'));
  return lines
    .slice(start, end)
    .map((l) => l.replace(/^# ?/, ''))
    .join('\n');
}

async function errorOf(text: string, file = 'tokor.config.yaml'): Promise<string> {
  try {
    await parseConfigText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation errors', () => {
  it('name the key path, file:line:col and what is expected', async () => {
    const text = ['tiers:', '  - name: cheap', '    model: a', '  - name: frontier', '    model: b', '    provider: vertex', ''].join('\n');
    expect(await errorOf(text)).toBe('tokor.config.yaml:6:5: tiers[1].provider: expected one of bedrock, openai, replay (got "vertex")');
  });

  it('reject a floor above 1 where it is written', async () => {
    const text = ['scopes:', '  - name: payments', '    match: { team: payments }', '    floor: 1.2', ''].join('\n');
    expect(await errorOf(text)).toBe('tokor.config.yaml:4:5: scopes[0].floor: must be between 0 and 1 (got 1.2)');
    expect(await errorOf('quality:\n  bar: 95\n')).toBe('tokor.config.yaml:2:3: quality.bar: must be between 0 and 1 (got 95)');
  });

  it('make unknown keys errors, at the top level and nested, listing the keys allowed there', async () => {
    expect(await errorOf('aggresiveness: balanced\n')).toMatch(/^tokor\.config\.yaml:1:1: aggresiveness: unknown key "aggresiveness" \(expected one of: tiers, catalog, modelMap, quality, aggressiveness,/);
    expect(await errorOf('quality:\n  bar: 0.9\n  confidense: 0.9\n')).toBe('tokor.config.yaml:3:3: quality.confidense: unknown key "confidense" (expected one of: bar, barMode, confidence)');
    expect(await errorOf('scopes:\n  - name: a\n    match: { team: a }\n    flor: 0.9\n')).toMatch(/^tokor\.config\.yaml:4:5: scopes\[0\]\.flor: unknown key "flor" \(expected one of: name, match, floor,/);
  });

  it('give malformed YAML its line and column', async () => {
    expect(await errorOf('quality:\n  bar: 0.9\n bad: [1, 2\n')).toMatch(/^tokor\.config\.yaml:\d+:\d+: invalid YAML: /);
    expect(await errorOf('tiers:\n  - name: a\n\tmodel: x\n')).toMatch(/^tokor\.config\.yaml:3:1: invalid YAML: /);
    expect(await errorOf('quality: {bar: 0.9}\nquality: {bar: 0.8}\n')).toMatch(/^tokor\.config\.yaml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('count the other problems and cross-check tiers, scopes and routing', async () => {
    expect(await errorOf('quality: {bar: 2, confidence: 0.3}\n')).toMatch(/quality\.bar: must be between 0 and 1 \(got 2\) \(and 1 more problem\)$/);
    expect(await errorOf('scopes:\n  - name: p\n    match: { team: p }\n    allowedTiers: [cheap, top, frontier]\n')).toBe(
      'tokor.config.yaml:4:27: scopes[0].allowedTiers[1]: unknown tier "top" (tiers: cheap, mid, frontier)',
    );
    expect(await errorOf('scopes:\n  - name: p\n    match: { team: p }\n    allowedTiers: [cheap, mid]\n')).toMatch(/scopes\[0\]\.allowedTiers: must include the frontier tier "frontier"/);
    expect(await errorOf('scopes:\n  - name: global\n    match: { team: p }\n')).toMatch(/scopes\[0\]\.name: "global" is reserved/);
    expect(await errorOf('scopes:\n  - name: p\n    match: {}\n')).toMatch(/scopes\[0\]\.match: expected at least one key/);
    expect(await errorOf('scopes:\n  - name: p\n    match: { team: 3 }\n')).toMatch(/scopes\[0\]\.match\.team: expected a string or a list of strings/);
    expect(await errorOf('routing:\n  thresholds: [0.5]\n')).toMatch(/^tokor\.config\.yaml:2:3: routing\.thresholds: expected 2 thresholds for 3 tiers, got 1/);
    expect(await errorOf('routing:\n  thresholds: [0.5, 0.7]\n  policyFile: p.json\n')).toMatch(/routing\.policyFile: set routing\.thresholds or routing\.policyFile, not both/);
    expect(await errorOf('routing:\n  thresholds: [0.5, 0.7]\n')).toMatch(/^tokor\.config\.yaml:1:1: routing\.routerModel: classifier thresholds need the router/);
    expect(await errorOf('routing:\n  pattern: cascade\n  thresholds: [1, 1]\n')).toMatch(/routing\.gate: a cascade needs the grader that decides escalation/);
    // Registry names (providers, routing patterns) are checked with the rest, at their line.
    expect(await errorOf('routing:\n  pattern: cascades\n')).toBe('tokor.config.yaml:2:3: routing.pattern: expected one of classifier, cascade, confidence, scope-tier, scope-classifier (got "cascades")');
    expect(await errorOf('tiers:\n  - { name: a, provider: vertex, model: m }\n  - { name: b, model: m, region: 3 }\n')).toMatch(/^tokor\.config\.yaml:2:16: tiers\[0\]\.provider: expected one of bedrock, openai, replay \(got "vertex"\) \(and 1 more problem\)$/);
    expect(await errorOf('- a\n- b\n')).toBe('tokor.config.yaml:1:1: (top level): expected a mapping of config keys (key: value)');
  });
});

describe('the vocabulary a config is checked against', () => {
  it('is the registries: every provider, and the routing patterns only for a config that routes', async () => {
    expect(await vocabularyFor({ tiers: [] })).toEqual({ providers: PROVIDERS, patterns: {} });
    const routes = await vocabularyFor({ routing: {} });
    expect(Object.keys(routes.patterns)).toEqual([...ROUTING_PATTERNS]);
    expect(routes.patterns['scope-tier']).toEqual(PATTERNS['scope-tier'].facts);
  });
});

describe('aggressiveness and scopes', () => {
  it('maps each preset to its bar and confidence; explicit quality keys win', async () => {
    for (const [name, preset] of Object.entries(AGGRESSIVENESS_PRESETS)) {
      const c = await parseConfigText(`aggressiveness: ${name}\n`, 'x.yaml');
      expect(qualityOf(c)).toEqual({ bar: preset.bar, barMode: 'relative', confidence: preset.confidence });
      expect(c.quality).toEqual(qualityOf(c));
    }
    const mixed = await parseConfigText('aggressiveness: max-savings\nquality: { bar: 0.97 }\n', 'x.yaml');
    expect(qualityOf(mixed)).toEqual({ bar: 0.97, barMode: 'relative', confidence: 0.9 });
    expect(qualityOf(await parseConfigText('', 'x.yaml'))).toEqual({ bar: 0.95, barMode: 'relative', confidence: 0.95 });
    // a hand-built config without quality resolves the same way
    expect(qualityOf({ aggressiveness: 'quality-first' } as TokorConfig)).toEqual({ bar: 0.98, barMode: 'relative', confidence: 0.99 });
  });

  it('resolves each scope: its floor, else its preset, else the global bar', async () => {
    const c = await parseConfigText(
      [
        'quality: { bar: 0.93, confidence: 0.9, barMode: absolute }',
        'scopes:',
        '  - { name: a, match: { team: a }, floor: 0.99, confidence: 0.99 }',
        '  - { name: b, match: { team: [b, bb] }, aggressiveness: quality-first, barMode: relative }',
        '  - { name: c, match: { category: c }, allowedTiers: [mid, frontier] }',
      ].join('\n'),
      'x.yaml',
    );
    expect(scopesOf(c)).toEqual([
      { name: 'a', match: { team: ['a'] }, floor: 0.99, barMode: 'absolute', confidence: 0.99, floorFrom: 'scope' },
      { name: 'b', match: { team: ['b', 'bb'] }, floor: 0.98, barMode: 'relative', confidence: 0.99, floorFrom: 'aggressiveness' },
      { name: 'c', match: { category: ['c'] }, floor: 0.93, barMode: 'absolute', confidence: 0.9, floorFrom: 'quality', allowedTiers: ['mid', 'frontier'] },
    ]);
    expect(describeConfig(c)).toBe('3 tiers (cheap → mid → frontier) [default ladder], 3 scopes (a, b, c), bar 0.93 absolute at 90% confidence, no routing yet');
  });

  it('matches a scope when any entry holds, with * wildcards', async () => {
    const tags: Record<string, string[]> = { team: ['payments'], repo: ['acme/checkout'] };
    const attrs = (k: string) => tags[k] ?? [];
    expect(matchesScope({ team: 'payments' }, attrs)).toBe(true);
    expect(matchesScope({ team: ['search', 'payments'] }, attrs)).toBe(true);
    expect(matchesScope({ repo: 'acme/*' }, attrs)).toBe(true);
    expect(matchesScope({ repo: 'acme/*.x' }, attrs)).toBe(false);
    expect(matchesScope({ team: 'search', category: 'refunds' }, attrs)).toBe(false);
    expect(matchesScope({ team: 'search', repo: '*checkout' }, attrs)).toBe(true);
  });
});

describe('tokor init templates', () => {
  it.each(GATEWAYS)('the %s starter validates as written and keeps its comments', async (gateway) => {
    const text = starterConfig(gateway);
    const c = await parseConfigText(text, `${gateway}.yaml`);
    expect(c.tiers).toHaveLength(3);
    expect(c.aggressiveness).toBe('balanced');
    expect(text).toMatch(/^# tokor\.config\.yaml/);
    expect(text).toContain(`tokor init --gateway ${gateway}`);
    // every commented-out example block is valid once uncommented
    for (const key of ['quality', 'routing', 'scopes', 'gate', 'modelMap']) {
      const block = commentedBlock(text, key);
      expect(block.split('\n').length).toBeGreaterThan(1);
      expect(validateConfig(parse(block), await vocabularyFor(parse(block))).issues).toEqual([]);
    }
    // and so is the other routing variant: thresholds instead of a policy file
    const variant = commentedBlock(text, 'routing').replace(/^ {2}policyFile:.*$/m, '').replace(/^ {2}# (?=\w+:)/gm, '  ');
    const routing = validateConfig(parse(variant), await vocabularyFor(parse(variant)));
    expect(routing.issues).toEqual([]);
    expect(routing.config?.routing).toMatchObject({ pattern: 'classifier', thresholds: [0.35, 0.7], routerModel: 'router.json', gate: 'valid-json' });
  });

  it('never overwrites without --force', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-init-'));
    const file = path.join(dir, 'tokor.config.yaml');
    await writeStarterConfig(file, 'openai');
    expect(readFileSync(file, 'utf8')).toContain('provider: openai');
    writeFileSync(file, 'mine: true\n');
    await expect(writeStarterConfig(file, 'bedrock')).rejects.toThrow(/already exists: not overwritten \(use --force/);
    expect(readFileSync(file, 'utf8')).toBe('mine: true\n');
    await writeStarterConfig(file, 'bedrock', true);
    expect(readFileSync(file, 'utf8')).toContain('provider: bedrock');
  });
});

describe('checkConfigFile', () => {
  it('reports referenced files that do not exist, located', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-check-'));
    const file = path.join(dir, 'tokor.config.yaml');
    writeFileSync(file, 'routing:\n  policyFile: missing.json\n');
    const r = await checkConfigFile(file);
    expect(r.config).toBeUndefined();
    expect(r.problems).toEqual([{ where: `${file}:2:3`, keyPath: 'routing.policyFile', message: 'file not found: missing.json (paths are relative to the config file)' }]);
    writeFileSync(path.join(dir, 'missing.json'), '{}');
    expect((await checkConfigFile(file)).config).toBeDefined();
    await expect(checkConfigFile(undefined, mkdtempSync(path.join(tmpdir(), 'tokor-none-')))).rejects.toThrow(/no tokor\.config\.yaml in .*: create one with `tokor init`/);
  });
});

describe('tokor.config.example.yaml', () => {
  it('validates and uses every top-level section', async () => {
    const text = readFileSync(new URL('../../tokor.config.example.yaml', import.meta.url), 'utf8');
    const c = await parseConfigText(text, 'tokor.config.example.yaml');
    expect(Object.keys(c).sort()).toEqual(['aggressiveness', 'cacheDir', 'gate', 'groupBy', 'modelMap', 'quality', 'routing', 'scopes', 'tiers']);
    expect(scopesOf(c).map((s) => [s.name, s.floor, s.barMode, s.confidence])).toEqual([
      ['payments', 0.97, 'relative', 0.95],
      ['internal-tools', 0.9, 'relative', 0.9],
      ['contracts', 0.85, 'absolute', 0.95],
    ]);
  });
});

describe('docs/config.md', () => {
  it('documents every config key and every preset', async () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const missing = allKeyPaths().filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
    for (const [name, p] of Object.entries(AGGRESSIVENESS_PRESETS)) {
      expect(doc).toMatch(new RegExp(`\\| \`${name}\` \\| ${p.bar} \\| ${p.confidence} \\|`));
    }
  });
});
