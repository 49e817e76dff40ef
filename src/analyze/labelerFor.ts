/**
 * Which labeler analyze uses: the heuristic one, or a router model trained by
 * `tokor calibrate --out-router` (--classifier FILE).
 */
import { heuristicLabeler } from '../classify/heuristic.js';
import type { Labeler } from '../classify/types.js';

export async function labelerFor(classifierFile?: string): Promise<Labeler> {
  if (!classifierFile) return heuristicLabeler;
  const { loadRouterModel } = await import('../classify/trained.js');
  return loadRouterModel(classifierFile);
}
