/**
 * tokor's own JSON lines given where traffic logs belong: an eval results line
 * has a `model` key, so the OpenAI-style reader would otherwise take it for a
 * gateway log line with no tokens and price 1,680 requests at $0. Recognised
 * here so no reader claims them and each is skipped saying what it is.
 */
import type { JsonObject } from './fields.js';

/** What a tokor results or labels line is and where it goes; undefined for anything else. */
export function tokorLine(obj: JsonObject): string | undefined {
  if (typeof obj.datasetId === 'string' && typeof obj.itemId === 'string' && typeof obj.tier === 'string' && typeof obj.pass === 'boolean') {
    return 'a tokor eval results line (`tokor eval --out`), not a traffic log record: results go to tokor calibrate --results, gate --results or report --eval';
  }
  if (typeof obj.requestId === 'string' && (obj.label === 'easy' || obj.label === 'moderate' || obj.label === 'hard') && obj.modelId === undefined) {
    return 'a tokor labels line (`tokor label --out`), not a traffic log record: give labels to tokor analyze --labels';
  }
  return undefined;
}
