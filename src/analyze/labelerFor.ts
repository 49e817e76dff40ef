/**
 * Which labeler analyze uses: the heuristic one, or a router model trained by
 * `tokor calibrate --out-router` (--classifier FILE, read by src/app). Pure.
 */
import type { RouterModel } from '../artifacts/router.js';
import { heuristicLabeler } from '../classify/heuristic.js';
import { TrainedRouterLabeler } from '../classify/trained.js';
import type { Labeler } from '../classify/types.js';

export function labelerFor(router?: RouterModel): Labeler {
  return router ? new TrainedRouterLabeler(router) : heuristicLabeler;
}
