/**
 * The router model (`tokor calibrate --out-router router.json`, also embedded
 * in a classifier policy): a linear model over hashed text features. Read by
 * `tokor analyze --classifier`, `tokor gate` (config routing.routerModel) and
 * with its policy.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { DENSE_FEATURES, featureDim } from '../classify/features.js';
import { parseArtifact, parseJsonFile, readArtifactText, type ArtifactSpec, type Origin } from './read.js';

/** Version 2 saves the k fold models (scored by hash); version 1 (one refit model) still loads. */
import { ROUTER_MODEL_VERSION } from '../classify/routerVersion.js';

;
const ROUTER_MODEL_VERSIONS = [1, 2] as const;

const finite = z.number({ error: 'expected a number' });
const int = (lo: number, hi: number) => z.number({ error: 'expected a whole number' }).int('expected a whole number').min(lo, `must be between ${lo} and ${hi}`).max(hi, `must be between ${lo} and ${hi}`);
const denseValues = z.array(finite, { error: `expected ${DENSE_FEATURES.length} numbers` }).length(DENSE_FEATURES.length, `must hold ${DENSE_FEATURES.length} numbers`);

const FeatureSpecSchema = z.object({
  /** Hashed text features live in [0, 2^hashBits). */
  hashBits: int(4, 24),
  wordNgrams: int(0, 5),
  charNgram: int(0, 8),
  maxChars: int(1, 1e9),
});

const TrainingSummarySchema = z.object({
  items: z.number(),
  folds: z.number(),
  /** Salts the fold hash (version 2). */
  seed: z.number({ error: 'expected the training seed' }).int('expected a whole number (it salts the fold hash)'),
  /** How the fold models were fitted: "lbfgs" (full batch, to a gradient tolerance); absent in older files (AdaGrad SGD epochs). */
  optimizer: z.literal('lbfgs').optional(),
  /** L-BFGS: converged when ‖∇‖₂ ≤ tolerance · max(1, ‖∇‖₂ at the start), within maxIterations. */
  tolerance: z.number().optional(),
  maxIterations: z.number().optional(),
  /** L-BFGS iterations each fold model took, and its final gradient norm ‖∇‖₂. */
  iterations: z.array(z.number()).optional(),
  gradientNorms: z.array(z.number()).optional(),
  /** Older files (AdaGrad SGD): the most epochs, the epochs each fold model took, the learning rate. */
  epochs: z.number().optional(),
  epochsRun: z.array(z.number()).optional(),
  learningRate: z.number().optional(),
  /** Whether every fold model's objective converged. */
  converged: z.boolean().optional(),
  l2: z.number(),
  classCounts: z.array(z.number()),
  /** Out-of-fold ROC AUC of P(needs more than the cheapest tier); null with one class. */
  oofAuc: z.number().nullable(),
  /** Out-of-fold mean log loss after temperature scaling. */
  oofLogLoss: z.number(),
});

/** Non-zero weight rows: indices[j] has classes.length values at values[j*K .. j*K+K-1]. */
const WeightRowsSchema = z.object({ indices: z.array(z.number().int('expected whole numbers').min(0, 'must be ≥ 0')), values: z.array(finite) });

/** One logistic-regression model: bias, dense standardization and sparse weights. */
const RouterWeightsSchema = z.object({
  /** Means and deviations that standardize the dense features. */
  dense: z.object({ mean: denseValues, std: denseValues }),
  bias: z.array(finite),
  weights: WeightRowsSchema,
});

export const RouterModelSchema = z
  .object({
    kind: z.literal('tokor-router', { error: 'expected "tokor-router" (a `tokor calibrate --out-router` file)' }),
    schemaVersion: z.union(ROUTER_MODEL_VERSIONS.map((v) => z.literal(v)), { error: `expected ${ROUTER_MODEL_VERSIONS.join(' or ')}` }),
    /** Ground-truth classes: tier names, cheapest first. Class t = "tier t is the cheapest that passes". */
    classes: z.array(z.string({ error: 'expected a tier name' }).min(1, 'expected a tier name, got an empty string'), { error: 'expected a list of tier names' }).min(2, 'must list at least two tier names'),
    features: FeatureSpecSchema,
    /** Dense feature names; version 1 also holds the one model's mean and std here. */
    dense: z.object({
      names: z.array(z.string()).refine((n) => n.join(',') === DENSE_FEATURES.join(','), 'differ from this tokor version’s features'),
      mean: denseValues.optional(),
      std: denseValues.optional(),
    }),
    /** Logits are divided by this before the softmax (fitted on out-of-fold logits). */
    temperature: finite.positive('must be a positive number'),
    /** Version 1: the one (refit) model's bias and weights. */
    bias: z.array(finite).optional(),
    weights: WeightRowsSchema.optional(),
    /** Version 2: the k fold models; a request is scored by models[foldOf(request, k)]. */
    models: z.array(RouterWeightsSchema).min(1, 'must hold the fold models').optional(),
    /** Version 2: how a request picks its fold model, in words. */
    assignment: z.string().optional(),
    training: TrainingSummarySchema,
  })
  .superRefine((m, ctx) => {
    const K = m.classes.length;
    const dim = featureDim(m.features);
    const checkRows = (bias: number[], w: z.infer<typeof WeightRowsSchema>, at: (string | number)[]): void => {
      if (bias.length !== K) ctx.addIssue({ code: 'custom', path: [...at, 'bias'], message: `must hold ${K} numbers (one per class)` });
      const bad = w.indices.findIndex((i) => i >= dim);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [...at, 'weights', 'indices', bad], message: `must be below ${dim} (the feature space of hashBits ${m.features.hashBits})` });
      if (w.values.length !== w.indices.length * K) ctx.addIssue({ code: 'custom', path: [...at, 'weights', 'values'], message: `must hold ${K} numbers per index` });
    };
    if (m.schemaVersion === 1) {
      for (const k of ['mean', 'std'] as const) if (!m.dense[k]) ctx.addIssue({ code: 'custom', path: ['dense', k], message: `a version 1 router needs dense.${k}` });
      if (!m.bias) ctx.addIssue({ code: 'custom', path: ['bias'], message: 'a version 1 router needs its bias' });
      if (!m.weights) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'a version 1 router needs its weights' });
      if (m.bias && m.weights) checkRows(m.bias, m.weights, []);
    } else if (!m.models) {
      ctx.addIssue({ code: 'custom', path: ['models'], message: 'a version 2 router needs its fold models' });
    } else {
      m.models.forEach((fm, j) => {
        checkRows(fm.bias, fm.weights, ['models', j]);
      });
    }
  });

/** The saved router. */
export type RouterModel = z.infer<typeof RouterModelSchema>;
export type RouterWeights = z.infer<typeof RouterWeightsSchema>;

const ROUTER_SPEC: ArtifactSpec<RouterModel> = {
  name: 'router model',
  kind: ['tokor-router'],
  schema: RouterModelSchema,
  version: ROUTER_MODEL_VERSION,
  hint: 'write it with `tokor calibrate --out-router` (docs/calibrate.md)',
};

/** The `router` of a policy file, with key paths from the policy's top level. */
const EMBEDDED_ROUTER_SPEC: ArtifactSpec<RouterModel> = {
  ...ROUTER_SPEC,
  kind: ['tokor-policy'],
  schema: z.object({ router: RouterModelSchema }).transform((p) => p.router),
};

/** A parsed router JSON value, checked. */
export function parseRouterModel(value: unknown, origin: Origin): RouterModel {
  return parseArtifact(ROUTER_SPEC, value, origin);
}

/**
 * Reads a router model file. A policy file with an embedded router works too
 * (its `router` is read with the same schema).
 */
export async function readRouterModel(file: string): Promise<RouterModel> {
  const text = await readArtifactText(file, 'router model');
  const value = parseJsonFile(text, file, `a router model; ${ROUTER_SPEC.hint}`);
  if (value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'tokor-policy') {
    const router = (value as { router?: unknown }).router;
    if (router === undefined) throw new InputError('router: this policy file has no embedded router model (its pattern is not classifier); give a `tokor calibrate --out-router` file', file);
    return parseArtifact(EMBEDDED_ROUTER_SPEC, value, { file, text });
  }
  return parseRouterModel(value, { file, text });
}

/** The router as written to disk: 2-space JSON with number lists on one line. */
export function routerModelToJson(m: RouterModel): string {
  parseArtifact(ROUTER_SPEC, m, { file: 'router model' });
  return compactJson(m);
}

/** JSON.stringify(x, null, 2), except that arrays of numbers stay on one line (router weights). */
export function compactJson(x: unknown): string {
  const text = JSON.stringify(x, null, 2).replace(/\[(?:\s*-?\d[\d.eE+-]*,)*\s*-?\d[\d.eE+-]*\s*\]/g, (m) => `[${m.slice(1, -1).replace(/\s+/g, '')}]`);
  return `${text}\n`;
}
