/** A router file (or JSON value) as a Labeler: the artifact reader in front of the pure classify/trained model. */
import { TrainedRouterLabeler } from '../classify/trained.js';
import { parseRouterModel, readRouterModel } from './router.js';

/** A checked router JSON value as a Labeler; InputError on a bad shape. */
export function routerFromJson(obj: unknown, where = 'router model'): TrainedRouterLabeler {
  return new TrainedRouterLabeler(parseRouterModel(obj, { file: where }));
}

/** Reads a router model saved by `tokor calibrate --out-router` (or embedded in a policy file). */
export async function loadRouterModel(file: string): Promise<TrainedRouterLabeler> {
  return new TrainedRouterLabeler(await readRouterModel(file));
}
