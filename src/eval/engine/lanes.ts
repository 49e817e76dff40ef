/**
 * Scheduling: `lanes` workers, each taking the next item from the plan when
 * its last one is done, so at most `lanes` items are in progress. A sync plan
 * is read without a promise per item. No lane takes an item once the run is
 * stopping; a plan that throws stops the run (items already taken finish)
 * and a worker that throws aborts it — both through the run's Halt, which
 * rethrows after the lanes have settled.
 */
import type { Halt } from './halt.js';

export interface LanesOutcome {
  /** The plan still had items when the run stopped. */
  stoppedEarly: boolean;
}

export async function runLanes<T>(plan: Iterable<T> | AsyncIterable<T>, lanes: number, work: (item: T) => Promise<void>, halt: Halt): Promise<LanesOutcome> {
  const sync = Symbol.iterator in plan;
  const iterator = sync ? (plan as Iterable<T>)[Symbol.iterator]() : (plan as AsyncIterable<T>)[Symbol.asyncIterator]();
  let exhausted = false;
  let stoppedEarly = false;
  const lane = async (): Promise<void> => {
    while (!exhausted && !halt.stopping) {
      let next: IteratorResult<T>;
      try {
        next = sync ? (iterator as Iterator<T>).next() : await iterator.next();
      } catch (e) {
        halt.fail(e, 'stop');
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      if (halt.stopping) {
        // An item taken but not run: the run stopped before every item was scheduled.
        stoppedEarly = true;
        return;
      }
      try {
        await work(next.value);
      } catch (e) {
        halt.fail(e, 'abort');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return { stoppedEarly };
}
