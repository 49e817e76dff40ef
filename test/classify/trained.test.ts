import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { seededRandom } from '../../src/stats/random.js';
import { boundaryScoresOf, foldOf, rocAuc, trainRouter, type RouterSample } from '../../src/classify/trained.js';
import { loadRouterModel, routerFromJson } from '../../src/artifacts/routerLabeler.js';
import { extractFeatures, DEFAULT_FEATURE_SPEC, featureDim } from '../../src/classify/features.js';

const VOCAB = 'apple river stone cloud music paper light table green window orbit silver garden number castle winter basket engine forest pencil'.split(' ');

/** Random word prompts; label from `labelOf` (or noise). */
function samples(n: number, seed: number, labelOf?: (words: string[], r: () => number) => number): RouterSample[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const words = Array.from({ length: 6 + Math.floor(r() * 10) }, () => VOCAB[Math.floor(r() * VOCAB.length)]!);
    const label = labelOf ? labelOf(words, r) : r() < 0.5 ? 1 : 0;
    return { input: { prompt: words.join(' ') }, label };
  });
}

describe('features', () => {
  it('are deterministic, sorted and inside the dimension', () => {
    const a = extractFeatures({ prompt: 'Extract the JSON fields: total, tax.\n```json\n{}\n```', task: 'extraction', turns: 2 });
    const b = extractFeatures({ prompt: 'Extract the JSON fields: total, tax.\n```json\n{}\n```', task: 'extraction', turns: 2 });
    expect(Array.from(a.idx)).toEqual(Array.from(b.idx));
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    const dim = featureDim(DEFAULT_FEATURE_SPEC);
    for (let j = 1; j < a.idx.length; j++) expect(a.idx[j]!).toBeGreaterThan(a.idx[j - 1]!);
    expect(a.idx[a.idx.length - 1]!).toBeLessThan(dim);
    expect(extractFeatures({ prompt: 'other words entirely' }).idx).not.toEqual(a.idx);
  });
});

describe('trained router', () => {
  it('is deterministic for a seed', () => {
    const data = samples(120, 5, (w) => (w.includes('castle') ? 1 : 0));
    const a = trainRouter(data, ['cheap', 'frontier'], { seed: 3 });
    const b = trainRouter(data, ['cheap', 'frontier'], { seed: 3 });
    expect(JSON.stringify(a.model)).toBe(JSON.stringify(b.model));
    expect(Array.from(a.oof)).toEqual(Array.from(b.oof));
    const c = trainRouter(data, ['cheap', 'frontier'], { seed: 4 });
    expect(Array.from(c.oof)).not.toEqual(Array.from(a.oof));
  });

  it('learns a real signal out of fold', () => {
    const data = samples(400, 11, (w, r) => (w.includes('castle') || w.includes('winter') ? (r() < 0.9 ? 1 : 0) : r() < 0.1 ? 1 : 0));
    const { model, oof } = trainRouter(data, ['cheap', 'frontier']);
    const auc = rocAuc(
      data.map((_, i) => oof[i * 2 + 1]!),
      data.map((s) => s.label),
    );
    expect(auc).toBeGreaterThan(0.8);
    expect(model.training.oofAuc).toBeCloseTo(auc!, 10);
  });

  it('scores out of fold, and the saved router re-scores each training item with its own out-of-fold score', () => {
    const data = samples(400, 23);
    const { model, oof } = trainRouter(data, ['cheap', 'frontier']);
    const labels = data.map((s) => s.label);
    const oofAuc = rocAuc(
      data.map((_, i) => oof[i * 2 + 1]!),
      labels,
    )!;
    expect(Math.abs(oofAuc - 0.5)).toBeLessThan(0.1);
    // The saved router is the fold models, each request scored by the model of its hashed fold: applied to its
    // own training items it gives back their out-of-fold scores (up to the 6 saved digits), never in-sample ones.
    const router = routerFromJson(JSON.parse(JSON.stringify(model)));
    data.forEach((s, i) => {
      expect(router.probabilities(s.input)[1]!).toBeCloseTo(oof[i * 2 + 1]!, 4);
    });
    const applied = rocAuc(
      data.map((s) => router.label(s.input).score),
      labels,
    )!;
    expect(Math.abs(applied - 0.5)).toBeLessThan(0.1);
    expect(model.models).toHaveLength(5);
  });

  it('trains each fold model to convergence (full-batch L-BFGS to a gradient tolerance) and records it', () => {
    const data = samples(300, 17, (w, r) => (w.includes('castle') ? (r() < 0.8 ? 1 : 0) : r() < 0.3 ? 1 : 0));
    const { model, oof } = trainRouter(data, ['cheap', 'frontier']);
    const t = model.training;
    expect(t.optimizer).toBe('lbfgs');
    expect(t.converged).toBe(true);
    expect(t.iterations).toHaveLength(5);
    expect(t.gradientNorms).toHaveLength(5);
    for (const g of t.gradientNorms!) expect(g).toBeLessThanOrEqual(t.tolerance!);
    // Converged means more iterations change little: a 10⁵ times tighter tolerance moves no score by 5e-4.
    const tighter = trainRouter(data, ['cheap', 'frontier'], { tolerance: 1e-9 });
    for (let i = 0; i < data.length; i++) expect(tighter.oof[i * 2 + 1]!).toBeCloseTo(oof[i * 2 + 1]!, 3);
    // Cut short, it says so.
    const cut = trainRouter(data, ['cheap', 'frontier'], { maxIterations: 2 });
    expect(cut.model.training.converged).toBe(false);
    expect(cut.model.training.iterations).toEqual([2, 2, 2, 2, 2]);
  });

  it('assigns folds by a stable hash of the request, salted by the seed', () => {
    const input = { prompt: 'castle winter engine', category: 'x' };
    expect(foldOf(input, 5, 1)).toBe(foldOf({ ...input }, 5, 1));
    const counts = new Array<number>(5).fill(0);
    for (const s of samples(2000, 4)) counts[foldOf(s.input, 5, 1)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(300);
    const moved = samples(200, 8).filter((s) => foldOf(s.input, 5, 1) !== foldOf(s.input, 5, 2)).length;
    expect(moved).toBeGreaterThan(100);
  });

  it('still loads a version-1 router (one refit model)', () => {
    const { model } = trainRouter(samples(60, 3), ['cheap', 'frontier'], { folds: 2 });
    const m0 = model.models![0]!;
    const v1 = { ...model, schemaVersion: 1, dense: { ...model.dense, mean: m0.dense.mean, std: m0.dense.std }, bias: m0.bias, weights: m0.weights, models: undefined };
    const router = routerFromJson(JSON.parse(JSON.stringify(v1)));
    const p = router.probabilities({ prompt: 'apple river' });
    expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
    expect(() => routerFromJson({ ...model, schemaVersion: 3 })).toThrow(/written by a newer tokor/);
  });

  it('round-trips through JSON and labels with a score in [0, 1]', () => {
    const data = samples(150, 9, (w) => (w.includes('engine') ? 2 : w.includes('paper') ? 1 : 0));
    const { model } = trainRouter(data, ['cheap', 'mid', 'frontier']);
    const router = routerFromJson(JSON.parse(JSON.stringify(model)));
    const p = router.probabilities({ prompt: 'engine engine forest' });
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    const l = router.label({ prompt: 'engine engine forest' });
    expect(l.label).toBe('hard');
    expect(l.score).toBeCloseTo(Math.min(1 - 1e-9, 1 - p[0]!), 9);
    expect(router.label({ prompt: 'apple river' }).label).toBe('easy');
    const s = router.boundaryScores({ prompt: 'paper paper' });
    expect(s).toHaveLength(2);
    expect(s[0]!).toBeGreaterThanOrEqual(s[1]!);
  });

  it('loads from a file or a policy with an embedded router, and names bad keys', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokor-router-'));
    const { model } = trainRouter(samples(40, 2), ['cheap', 'frontier'], { folds: 2 });
    const file = path.join(dir, 'router.json');
    writeFileSync(file, JSON.stringify(model));
    const a = await loadRouterModel(file);
    expect(a.name).toBe('trained');
    const policy = path.join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ kind: 'tokor-policy', router: model }));
    expect((await loadRouterModel(policy)).model.classes).toEqual(['cheap', 'frontier']);
    writeFileSync(file, JSON.stringify({ ...model, models: [{ ...model.models![0]!, bias: [1] }] }));
    await expect(loadRouterModel(file)).rejects.toThrow(/router\.json:1: models\[0\]\.bias: must hold 2 numbers \(one per class\); write it with `tokor calibrate --out-router`/);
    await expect(loadRouterModel(path.join(dir, 'missing.json'))).rejects.toBeInstanceOf(InputError);
    expect(() => routerFromJson({ kind: 'nope' })).toThrow(/kind: expected "tokor-router"/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('boundary scores are tail sums', () => {
    const s = boundaryScoresOf([0.5, 0.3, 0.2]);
    expect(s[0]).toBeCloseTo(0.5, 12);
    expect(s[1]).toBeCloseTo(0.2, 12);
  });
});
