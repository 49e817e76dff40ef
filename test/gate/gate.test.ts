/**
 * `tokor gate` through its core (runGate) with the real simulation
 * (calibrate's applyPolicy) on fixtures/gate.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../src/app/gate.js';
import { gateJson } from '../../src/gate/render.js';
import { InputError, TokorError, UsageError } from '../../src/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const F = (f: string) => path.join(ROOT, 'fixtures', 'gate', f);
const results = [F('results.jsonl')];
const dataset = [F('support/dataset.jsonl')];

async function failure(p: Promise<unknown>): Promise<TokorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TokorError);
    return e as TokorError;
  }
  throw new Error('expected an error');
}

describe('runGate on fixtures', () => {
  it('passes a policy that holds every floor', async () => {
    const { verdict } = await runGate({ policy: F('pass.tokor.config.yaml'), results, dataset });
    expect(verdict.pass).toBe(true);
    expect(verdict.scopes.map((s) => [s.scope, s.n, s.status])).toEqual([
      ['global', 300, 'pass'],
      ['payments', 60, 'pass'],
      ['logistics', 120, 'pass'],
    ]);
    const g = verdict.scopes[0]!;
    // The bound sits below the point estimate and the floor comes from the balanced preset.
    expect(g.lower).toBeLessThan(g.value);
    expect(g.floor).toBe(0.95);
    expect(g.proposed!.savingsPct).toBeGreaterThan(30);
  });

  it('fails the scope a lower threshold breaks, by how much, while the whole population passes', async () => {
    const { verdict } = await runGate({ policy: F('break.tokor.config.yaml'), results, dataset });
    expect(verdict.pass).toBe(false);
    const [global, payments, logistics] = verdict.scopes;
    expect(global!.status).toBe('pass');
    expect(logistics!.status).toBe('pass');
    expect(payments!.status).toBe('fail');
    expect(payments!.lower).toBeLessThan(0.9);
    expect(payments!.message).toMatch(/^scope payments: parity lower bound 0\.\d{3} < floor 0\.9 \(−\d+\.\d pts, n=60, 95% confidence\)$/);
    // lowering the thresholds bought savings: that is what the floor is weighed against
    expect(global!.proposed!.savingsPct).toBeGreaterThan(70);
  });

  it('re-routes a scope with allowedTiers so the same thresholds pass, and warns about an empty scope', async () => {
    const { verdict } = await runGate({ policy: F('allowed.tokor.config.yaml'), results, dataset });
    expect(verdict.pass).toBe(true);
    const payments = verdict.scopes.find((s) => s.scope === 'payments')!;
    // the cheap slot is served by mid: shares say so
    expect(payments.proposed!.tierShares.cheap).toBe(0);
    expect(payments.proposed!.tierShares.mid).toBeGreaterThan(0.5);
    expect(payments.status).toBe('pass');
    expect(verdict.scopes.find((s) => s.scope === 'search')!.status).toBe('empty');
    expect(verdict.warnings).toEqual([expect.stringContaining('scope search matched no golden item (team=search)')]);
  });

  it('gates a calibrate policy file on its own bar', async () => {
    const { verdict } = await runGate({ policy: F('policy.json'), results });
    expect(verdict.pass).toBe(true);
    expect(verdict.scopes.map((s) => s.scope)).toEqual(['global']);
    expect(verdict.scopes[0]!.floorFrom).toBe('policy');
  });

  it('--floor overrides every floor for the run', async () => {
    const { verdict } = await runGate({ policy: F('pass.tokor.config.yaml'), results, dataset, floor: 0.999 });
    expect(verdict.pass).toBe(false);
    expect(verdict.scopes.every((s) => s.floor === 0.999 && s.floorFrom === 'flag')).toBe(true);
    expect(verdict.overrides).toEqual({ floor: 0.999 });
  });

  it('with --base shows before → after and fails a savings drop beyond --max-savings-drop', async () => {
    const { verdict } = await runGate({ policy: F('pass.tokor.config.yaml'), base: F('break.tokor.config.yaml'), results, dataset, maxSavingsDrop: 5 });
    const g = verdict.scopes[0]!;
    expect(g.base!.savingsPct).toBeGreaterThan(g.proposed!.savingsPct + 5);
    expect(verdict.checks).toHaveLength(1);
    expect(verdict.checks[0]!.pass).toBe(false);
    expect(verdict.pass).toBe(false);
    const json = gateJson(verdict);
    expect(json.base).toMatchObject({ savingsPct: g.base!.savingsPct });
    expect(json.scopes[1]!.base).toBeDefined();
  });

  it('fails --min-savings below the minimum', async () => {
    const { verdict } = await runGate({ policy: F('pass.tokor.config.yaml'), results, dataset, minSavings: 50 });
    expect(verdict.pass).toBe(false);
    expect(verdict.checks[0]).toMatchObject({ check: 'min-savings', pass: false, limit: 50 });
  });
});

describe('runGate bad input (exit 2)', () => {
  it('a policy referring to a tier the results do not have', async () => {
    const e = await failure(runGate({ policy: F('missing-tier.tokor.config.yaml'), results }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/routes to tier "premium" but the results of dataset "gate-fixture" have none/);
  });

  it('results for another dataset than --dataset are an input error', async () => {
    const e = await failure(runGate({ policy: F('pass.tokor.config.yaml'), results: [F('other-results.jsonl')], dataset }));
    expect(e.message).toMatch(/results are for dataset "another-dataset", not "gate-fixture"/);
  });

  it('a floor above 1, in the config or on the command line', async () => {
    const e = await failure(runGate({ policy: F('floor-above-1.tokor.config.yaml'), results }));
    expect(e.message).toBe(`${F('floor-above-1.tokor.config.yaml')}:8:5: scopes[0].floor: must be between 0 and 1 (got 95)`);
    const u = await failure(runGate({ policy: F('pass.tokor.config.yaml'), results, floor: 1.2 }));
    expect(u).toBeInstanceOf(UsageError);
    expect(u.message).toMatch(/--floor must be between 0 and 1/);
  });

  it('--map or a drift threshold without --traffic is refused, naming the flags (they were ignored)', async () => {
    const u = await failure(runGate({ policy: F('pass.tokor.config.yaml'), results, csvMap: { fields: { model: 'model_id' }, tags: {} } }));
    expect(u).toBeInstanceOf(UsageError);
    expect(u.message).toMatch(/^--map needs --traffic/);
    const t = await failure(runGate({ policy: F('pass.tokor.config.yaml'), results, minCoverage: 0.9, driftAlpha: 0.05 }));
    expect(t).toBeInstanceOf(UsageError);
    expect(t.message).toBe('--min-coverage, --drift-alpha need --traffic: they are thresholds of the drift check on production traffic (give it with --traffic FILE…, or drop them)');
  });

  it('malformed YAML with line and column', async () => {
    const e = await failure(runGate({ policy: F('malformed.tokor.config.yaml'), results }));
    expect(e.message).toMatch(new RegExp(`^${F('malformed.tokor.config.yaml').replace(/[.]/g, '\\.')}:\\d+:\\d+: invalid YAML: `));
  });

  it('a config whose policyFile routes to a tier its ladder does not have', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-gate-pf-'));
    const file = path.join(dir, 'tokor.config.yaml');
    writeFileSync(file, `tiers:\n  - { name: cheap, model: us.amazon.nova-lite-v1:0 }\n  - { name: frontier, model: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }\nrouting:\n  policyFile: ${F('policy.json')}\n`);
    const e = await failure(runGate({ policy: file, results }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${file}: routing.policyFile refers to tier "mid" that the config's ladder does not have (tiers: cheap, frontier)`);
  });

  it('--max-savings-drop without --base on a policy with no certified savings checks nothing; a missing results file', async () => {
    expect((await runGate({ policy: F('pass.tokor.config.yaml'), results, maxSavingsDrop: 5 })).verdict.checks).toEqual([]);
    expect((await failure(runGate({ policy: F('pass.tokor.config.yaml'), results: [F('nope.jsonl')] }))).message).toMatch(/nope\.jsonl: cannot read the results \(no such file or directory\); check the path/);
  });
});

describe('runGate: held-out sets and certified savings', () => {
  it('results of another dataset than the policy was calibrated on are gated, with a note', async () => {
    const { verdict, notes } = await runGate({ policy: F('policy.json'), results: [F('other-results.jsonl')] });
    const note = 'the policy was calibrated on "gate-fixture"; these results are for "another-dataset": gated as a held-out or newer set';
    expect(notes).toContain(note);
    expect(verdict.notes).toEqual([note]);
    expect(verdict.datasets).toEqual(['another-dataset']);
    expect(verdict.scopes[0]!.n).toBe(2);
    const same = await runGate({ policy: F('policy.json'), results });
    expect(same.verdict.notes).toBeUndefined();
  });

  it('fails when realized savings fall more than 10 points (default) below the certified savings', async () => {
    const { verdict } = await runGate({ policy: F('certified.policy.json'), results });
    expect(verdict.pass).toBe(false);
    expect(verdict.scopes.every((s) => s.status === 'pass')).toBe(true);
    const c = verdict.checks.find((x) => x.against === 'certified')!;
    expect(c).toMatchObject({ check: 'max-savings-drop', pass: false, limit: 10 });
    expect(c.actual).toBeCloseTo(55 - verdict.scopes[0]!.proposed!.savingsPct, 9);
    const wider = await runGate({ policy: F('certified.policy.json'), results, maxSavingsDrop: 20 });
    expect(wider.verdict.pass).toBe(true);
    expect(wider.verdict.checks).toEqual([expect.objectContaining({ check: 'max-savings-drop', against: 'certified', pass: true, limit: 20 })]);
    // without certified savings (policy.json, a config): no such check
    expect((await runGate({ policy: F('policy.json'), results })).verdict.checks).toEqual([]);
  });
});
