/**
 * Worker thread for `tokor analyze`: receives chunks of JSON-lines text
 * (transferred, not copied), accumulates, and returns its accumulator (and
 * its part of the sample) when asked to finish.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newAccumulator } from './accumulate.js';
import { processChunk, type ChunkContext, type SampledItem } from './chunk.js';
import { BottomK } from './sample.js';
import { labelerFor } from './labelerFor.js';
import type { WorkerInit, WorkerRequest, WorkerReply } from './scan.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const decoder = new TextDecoder();

const ready = (async (): Promise<ChunkContext> => ({
  acc: newAccumulator(init.groupBy),
  labeler: await labelerFor(init.classifierFile),
  groupBy: init.groupBy,
  measured: init.measured ? new Map(init.measured) : undefined,
  sample: init.sampleSize ? new BottomK<SampledItem>(init.sampleSize) : undefined,
  seed: init.seed,
}))();

port.on('message', (msg: WorkerRequest) => {
  void ready.then((ctx) => {
    try {
      if (msg.type === 'chunk') {
        processChunk(decoder.decode(msg.bytes), msg.file, msg.startLine, msg.format, ctx);
        port.postMessage({ type: 'done', id: msg.id } satisfies WorkerReply);
      } else {
        const sample = ctx.sample ? { keys: ctx.sample.keys, items: ctx.sample.items, seen: ctx.sample.seen } : undefined;
        port.postMessage({ type: 'result', acc: ctx.acc, sample } satisfies WorkerReply);
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message, stack: (e as Error).stack } satisfies WorkerReply);
    }
  });
});
