/**
 * Parsing and labeling the sampled records an SQL engine hands back: the
 * heaviest part of tokor's own work there (each record's prompt goes through
 * the labeler, its task signature and traffic profile), so it runs on worker
 * threads, batches of lines in flight round robin, their facts taken back in
 * the sample's order. Without the compiled worker (sources run by vitest) or
 * with one thread, the same function runs here.
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

/** What a labeling thread needs besides the lines. */
export interface SampleLabelInit {
  groupBy: string[];
  router?: RouterModel;
}

/** One sampled line, parsed and labeled: `facts` undefined when it did not parse as one valid record. */
export interface LabeledLine {
  facts?: RecordFacts;
}

export type LabelRequest = { seq: number; lines: string[] };
export type LabelReply = { seq: number; labeled: LabeledLine[] } | { seq: number; error: string };

/** A sampled line's records (one, for a valid line) as the in-process reader would see them (their facts). */
export function labelLine(text: string, labeler: Labeler, groupBy: string[]): LabeledLine[] {
  return parseJsonLine('bedrock', text, { file: '(sample)', line: 0 }).map((ev) => (ev.kind !== 'record' || ev.record.errorCode ? {} : { facts: recordFacts(ev.record, { labeler, groupBy }) }));
}

/** Lines per batch: a few MB of sampled records, so that the threads stay busy and little is held. */
const BATCH_LINES = 256;
/** Batches in flight per thread. */
const IN_FLIGHT = 2;
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

function workerFile(): string | undefined {
  // Workers need the compiled .js; under vitest the sources are .ts and run here.
  const file = fileURLToPath(new URL('./labelWorker.js', import.meta.url));
  return import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined;
}

/**
 * Hands `onFacts` the facts of the sampled records, in the order of `lines`, one at a time (none is kept here).
 * The engine samples one line per request as its aggregate counts requests, so no duplicate is dropped here.
 * Throws when a line does not parse as one valid record.
 */
export async function labelSample(lines: AsyncIterable<string> | Iterable<string>, init: SampleLabelInit, onFacts: (f: RecordFacts) => void, threads = os.availableParallelism()): Promise<void> {
  const take = (labeled: LabeledLine[]) => {
    for (const l of labeled) {
      if (!l.facts) throw new RuntimeFailure('a sampled record did not parse as the SQL read it: the engine’s SQL and tokor’s parser disagree');
      onFacts(l.facts);
    }
  };
  const file = workerFile();
  if (!file || threads < 2) {
    const labeler = labelerFor(init.router);
    for await (const text of lines) take(labelLine(text, labeler, init.groupBy));
    return;
  }
  const workers = Array.from({ length: threads }, () => new Worker(file, { workerData: init, execArgv: [], resourceLimits: WORKER_LIMITS }));
  try {
    // Replies by batch number: taken in order as they complete; a sender waits while too many are out.
    const done = new Map<number, LabeledLine[]>();
    let next = 0;
    let sent = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const signal = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    for (const w of workers) {
      w.on('message', (m: LabelReply) => {
        if ('error' in m) failure ??= new RuntimeFailure(`labeling the sample failed: ${m.error}`);
        else done.set(m.seq, m.labeled);
        signal();
      });
      w.on('error', (e) => {
        failure ??= e;
        signal();
      });
    }
    const drain = () => {
      for (let l = done.get(next); l !== undefined; l = done.get(next)) {
        done.delete(next++);
        take(l);
      }
    };
    const waitFor = async (ok: () => boolean) => {
      for (;;) {
        if (failure) throw failure;
        drain();
        if (ok()) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    const send = async (batch: string[]) => {
      await waitFor(() => sent - next < IN_FLIGHT * workers.length);
      workers[sent % workers.length]!.postMessage({ seq: sent, lines: batch } satisfies LabelRequest);
      sent++;
    };
    let batch: string[] = [];
    for await (const text of lines) {
      batch.push(text);
      if (batch.length >= BATCH_LINES) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length) await send(batch);
    await waitFor(() => next === sent);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
