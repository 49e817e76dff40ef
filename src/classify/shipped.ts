/**
 * The shipped difficulty model: a tokor router (src/classify/trained.ts) trained only on data whose
 * licence allows shipping what is derived from it — RouteLLM's per-item results on GSM8K and MMLU
 * (lm-sys/RouteLLM, Apache-2.0; the questions are MIT: openai/grade-school-math, hendrycks/test),
 * decontaminated with RouteLLM's own contaminated_prompts lists, prompt text only. Class "frontier" =
 * Mixtral-8x7B-Instruct fails the item (GPT-4-1106 is RouteLLM's strong model). Five fold models,
 * each request scored by the one its prompt hash picks, so a RouteLLM prompt is scored by the model
 * that never saw it. Reproduce: `npm run build && node bench/labeler.mjs --write
 * src/classify/models/routellm-labeler.json`; its ROC AUC on every set is in docs/labeling.md.
 * RouterDC's per-item scores (no licence) were used to evaluate it only, never to train it.
 */
import data from './models/routellm-labeler.json' with { type: 'json' };
import type { RouterModel } from '../artifacts/router.js';
import { TrainedRouterLabeler } from './trained.js';

/** Where the shipped model's training data came from, and under which licence. */
export const SHIPPED_LABELER_SOURCE = {
  data: 'RouteLLM per-item results, GSM8K (1,307 decontaminated) and MMLU (14,037 decontaminated): Mixtral-8x7B-Instruct vs GPT-4-1106',
  licence: 'Apache-2.0 (lm-sys/RouteLLM); questions MIT (GSM8K, MMLU)',
  reproduce: 'node bench/labeler.mjs --write src/classify/models/routellm-labeler.json',
} as const;

/** The shipped model itself (what `tokor analyze --labeler routellm` hands its readers and worker threads). */
export function shippedRouterModel(): RouterModel {
  return data as RouterModel;
}

let cached: TrainedRouterLabeler | undefined;

/** The shipped model as a Labeler (built once, on first use; test/classify/shipped.test.ts checks the file against the router schema). */
export function shippedLabeler(): TrainedRouterLabeler {
  cached ??= new TrainedRouterLabeler(shippedRouterModel());
  return cached;
}
