/** Worker thread of labelSample (./labelSample.ts): parses and labels batches of sampled lines. */
import { parentPort, workerData } from 'node:worker_threads';
import { labelerFor } from '../../analyze/labelerFor.js';
import { labelLine, type LabelReply, type LabelRequest, type SampleLabelInit } from './labelSample.js';

const init = workerData as SampleLabelInit;
const labeler = labelerFor(init.router);
const port = parentPort!;
port.postMessage({ ready: true } satisfies LabelReply);

port.on('message', (msg: LabelRequest) => {
  try {
    port.postMessage({ seq: msg.seq, labeled: msg.lines.flatMap((l) => labelLine(l, labeler, init)) } satisfies LabelReply);
  } catch (e) {
    port.postMessage({ seq: msg.seq, error: (e as Error).message } satisfies LabelReply);
  }
});
