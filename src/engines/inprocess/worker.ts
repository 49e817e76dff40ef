/**
 * Worker thread for `tokor analyze`: receives chunks of JSON-lines text
 * (transferred, not copied), parses and labels them, and replies with the
 * de-duplication keys and skipped lines of each; once the main thread's
 * verdict on the keys arrives, accumulates the chunk. A chunk's session turns
 * and traffic profile go back to the main thread with its last reply (the only
 * accumulator that keeps them: one bound on kept turns and on profile clusters
 * for the run, applied at the same points of the input on any number of threads).
 * Returns its accumulator (and its part of the sample) when asked to finish.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newAccumulator } from '../../analyze/accumulate.js';
import { newSessions, trimSessions, type SessionAcc } from '../../analyze/sessions.js';
import { BottomK } from '../../analyze/sample.js';
import { labelerFor } from '../../analyze/labelerFor.js';
import { applyVerdict, processChunk, type ChunkContext, type DeferredChunk, type SampledItem, type SkipEntry } from './chunk.js';
import type { WorkerInit, WorkerRequest, WorkerReply } from './scan.js';
import { packProfile, type PackedProfile, type ProfileAcc } from '../../drift/profile.js';
import { packKeys } from './keySet.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const waiting = new Map<number, { deferred: DeferredChunk; sessions: SessionAcc; profile: ProfileAcc | undefined }>();
let skips: SkipEntry[] = [];

const ready = (async (): Promise<ChunkContext> => ({
  acc: newAccumulator(init.groupBy),
  labeler: labelerFor(init.router),
  groupBy: init.groupBy,
  measured: init.measured ? new Map(init.measured) : undefined,
  sessionKey: init.sessionKey,
  promptBounds: init.promptBounds,
  sample: init.sampleSize ? new BottomK<SampledItem>(init.sampleSize) : undefined,
  seed: init.seed,
  onSkip: init.collectSkips ? (s) => skips.push(s) : undefined,
}))();

port.on('message', (msg: WorkerRequest) => {
  void ready.then((ctx) => {
    try {
      if (msg.type === 'chunk') {
        const deferred: DeferredChunk = { keys: [], lines: [], ids: [], items: [] };
        skips = [];
        // The chunk's session turns, unbounded (a chunk's worth): the main thread merges them in input order.
        const sessions = (ctx.acc.sessions = newSessions(Infinity));
        ctx.acc.profile = undefined;
        processChunk(msg.bytes, msg.file, msg.fileIndex, msg.startLine, msg.format, ctx, deferred);
        const profile = ctx.acc.profile;
        const needsVerdict = deferred.keys.length > 0;
        if (needsVerdict) waiting.set(msg.seq, { deferred, sessions, profile });
        // The keys go as one transferable buffer; lines and request IDs only when skips are reported (they name
        // the duplicates). The chunk's shared buffer is read: the reply frees it for the next chunk.
        const keys = packKeys(deferred.keys);
        const reply = {
          type: 'parsed' as const,
          seq: msg.seq,
          file: msg.file,
          keys,
          lines: init.collectSkips ? deferred.lines : [],
          ids: init.collectSkips ? deferred.ids : [],
          skips,
          needsVerdict,
        } satisfies WorkerReply;
        if (needsVerdict) port.postMessage(reply, [keys.buffer as ArrayBuffer]);
        else {
          const out = outgoingParts(sessions, profile);
          port.postMessage({ ...reply, ...out.parts } satisfies WorkerReply, [keys.buffer as ArrayBuffer, ...out.transfer]);
        }
        deferred.keys = [];
        deferred.lines = [];
        deferred.ids = [];
      } else if (msg.type === 'verdict') {
        const { deferred, sessions, profile } = waiting.get(msg.seq)!;
        waiting.delete(msg.seq);
        ctx.acc.sessions = sessions;
        ctx.acc.profile = profile;
        applyVerdict(ctx.acc, deferred, msg.duplicates);
        const out = outgoingParts(sessions, ctx.acc.profile);
        ctx.acc.profile = undefined;
        port.postMessage({ type: 'done', seq: msg.seq, ...out.parts } satisfies WorkerReply, out.transfer);
      } else {
        const sample = ctx.sample ? { keys: ctx.sample.keys, items: ctx.sample.items, seen: ctx.sample.seen } : undefined;
        // Every chunk's sessions and profile went with its replies.
        ctx.acc.sessions = newSessions();
        ctx.acc.profile = undefined;
        port.postMessage({ type: 'result', acc: ctx.acc, sample } satisfies WorkerReply);
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message, stack: (e as Error).stack } satisfies WorkerReply);
    }
  });
});

/** A chunk's session turns and profile as they go to the main thread (the profile packed), and the buffers moved with them. */
function outgoingParts(sessions: SessionAcc, profile: ProfileAcc | undefined): { parts: { sessions: SessionAcc; profile?: PackedProfile }; transfer: ArrayBuffer[] } {
  const transfer = trimSessions(sessions);
  if (!profile) return { parts: { sessions }, transfer };
  const packed = packProfile(profile);
  return { parts: { sessions, profile: packed }, transfer: [...transfer, packed.rows.buffer as ArrayBuffer] };
}
