/**
 * Parsing and labeling the sampled records an SQL engine hands back: the
 * heaviest part of tokor's own work there (each record's prompt goes through
 * the labeler, its task signature and traffic profile), so it runs on this
 * thread and worker threads together, in batches of lines, their facts taken
 * back in the sample's order. Without the compiled worker (sources run by
 * vitest) or with one thread, the same function runs here alone.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RouterModel } from '../../artifacts/router.js';
import type { RecordFacts } from '../../analyze/accumulate.js';
import { recordFacts } from '../../analyze/facts.js';
import { labelerFor } from '../../analyze/labelerFor.js';
import type { Labeler } from '../../classify/types.js';
import { parseJsonLine } from '../../ingest/index.js';
import { RuntimeFailure } from '../../errors.js';
import { dedupeKey } from '../inprocess/chunk.js';

/** What a labeling thread needs besides the lines. */
export interface SampleLabelInit {
  groupBy: string[];
  router?: RouterModel;
  /** The catalog's prompt classes (src/pricing/promptBounds.ts). */
  promptBounds?: number[];
}

/** One sampled line, parsed and labeled: `facts` undefined when it did not parse as one valid record. */
export interface LabeledLine {
  key?: string;
  facts?: RecordFacts;
}

export type LabelRequest = { seq: number; lines: string[] };
export type LabelReply = { ready: true } | { seq: number; labeled: LabeledLine[] } | { seq: number; error: string };

/** A sampled line's records (one, for a valid line) as the in-process reader would see them (their facts), with their de-duplication keys. */
export function labelLine(text: string, labeler: Labeler, init: SampleLabelInit): LabeledLine[] {
  return parseJsonLine('bedrock', text, { file: '(sample)', line: 0 }).map((ev) => {
    if (ev.kind !== 'record' || ev.record.errorCode) return {};
    const key = dedupeKey(ev.record);
    const facts = recordFacts(ev.record, { labeler, groupBy: init.groupBy, ...(init.promptBounds ? { promptBounds: init.promptBounds } : {}) });
    return { ...(key !== undefined ? { key } : {}), facts };
  });
}

/** Lines per batch: a few MB of sampled records, so that the threads stay busy and little is held. */
const BATCH_LINES = 256;
/**
 * Batches labeled on this thread before any worker starts: a sample of up to 8,192 lines (the bundled sample's
 * 4,949 records, say) is labeled here alone. Labeling 42,079 lines took 0.78 s on one thread, so these take about
 * 0.15 s, less than starting a worker costs. It also keeps short runs from ending a worker that has just started:
 * Node 20 once aborted (a native assertion, `NodePlatform::ForIsolate`) in V8's background compiler while such a
 * worker was terminated, in `.ci/run` on 2026-12-08.
 */
const ALONE_BATCHES = 32;
/** Batches in flight per worker: one being labeled, one waiting, so that it never waits for this thread. */
const IN_FLIGHT = 2;
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

function workerFile(): string | undefined {
  // Workers need the compiled .js; under vitest the sources are .ts and run here.
  const file = fileURLToPath(new URL('./labelWorker.js', import.meta.url));
  return import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined;
}

/**
 * Hands `onFacts` the facts of the sampled records, in the order of `lines`, one at a time, duplicates (same
 * de-duplication key as an earlier sampled record) dropped: only their keys are kept here. Throws when a line
 * does not parse as one valid record.
 *
 * `threads` threads label: this one and `threads - 1` workers. This thread labels too, rather than only hand
 * batches out: each worker isolate costs CPU of its own (its start, V8 compiling the labeler once more, the lines
 * copied there and the facts back), which only idle cores repay: the bench log's 42,079 sampled records took
 * 2.2–2.5 s of CPU on two workers against 1.2–1.4 s on this thread alone. A batch goes to a worker once the worker
 * is ready and while it holds fewer than IN_FLIGHT; otherwise it is labeled here, so a sample that ends while the
 * workers start is labeled here alone. No worker starts before ALONE_BATCHES batches have been labeled here.
 */
export async function labelSample(lines: AsyncIterable<string> | Iterable<string>, init: SampleLabelInit, onFacts: (f: RecordFacts) => void, threads = os.availableParallelism()): Promise<void> {
  const seen = new Set<string>();
  const take = (labeled: LabeledLine[]) => {
    for (const l of labeled) {
      if (!l.facts) throw new RuntimeFailure('a sampled record did not parse as the SQL read it: the engine’s SQL and tokor’s parser disagree');
      if (l.key !== undefined) {
        if (seen.has(l.key)) continue;
        seen.add(l.key);
      }
      onFacts(l.facts);
    }
  };
  const labeler = labelerFor(init.router);
  const label = (batch: string[]) => batch.flatMap((text) => labelLine(text, labeler, init));
  const file = workerFile();
  if (!file || threads < 2) {
    for await (const text of lines) take(labelLine(text, labeler, init));
    return;
  }
  // Started once ALONE_BATCHES batches are labeled here: a smaller sample is labeled here alone.
  const workers: Worker[] = [];
  // Batches each worker holds; undefined until it is ready (it has built its labeler).
  const inflight: (number | undefined)[] = [];
  let stopping = false;
  try {
    // Batches' facts by batch number, taken in order as they complete; labeled here, or by a worker.
    const done = new Map<number, LabeledLine[]>();
    let next = 0;
    let seq = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const signal = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const start = () => {
      for (let i = 0; i < threads - 1; i++) {
        const w = new Worker(file, { workerData: init, execArgv: [], resourceLimits: WORKER_LIMITS });
        workers.push(w);
        inflight.push(undefined);
        w.on('message', (m: LabelReply) => {
          if ('ready' in m) inflight[i] = 0;
          else {
            inflight[i]!--;
            if ('error' in m) failure ??= new RuntimeFailure(`labeling the sample failed: ${m.error}`);
            else done.set(m.seq, m.labeled);
          }
          signal();
        });
        w.on('error', (e) => {
          failure ??= new RuntimeFailure(`labeling the sample failed: ${e.message}`);
          signal();
        });
        // A worker that dies (out of memory, killed) fails the run rather than leave it waiting for its reply.
        w.on('exit', (code) => {
          if (!stopping) failure ??= new RuntimeFailure(`a labeling worker stopped unexpectedly (exit code ${code})`);
          signal();
        });
      }
    };
    const drain = () => {
      if (failure) throw failure;
      for (let l = done.get(next); l !== undefined; l = done.get(next)) {
        done.delete(next++);
        take(l);
      }
    };
    const send = async (batch: string[]) => {
      if (workers.length === 0 && seq >= ALONE_BATCHES) start();
      drain();
      const i = inflight.findIndex((n) => n !== undefined && n < IN_FLIGHT);
      if (i >= 0) {
        inflight[i]!++;
        workers[i]!.postMessage({ seq: seq++, lines: batch } satisfies LabelRequest);
        return;
      }
      done.set(seq++, label(batch));
      drain();
      // The workers' replies (and their readiness) arrive as events: let them in before the next batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    let batch: string[] = [];
    for await (const text of lines) {
      batch.push(text);
      if (batch.length >= BATCH_LINES) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length) done.set(seq++, label(batch));
    for (drain(); next < seq; drain()) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    stopping = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
