/** The in-process engine: files, folders and stdin read on this machine, worker threads for large inputs. */
import type { TrafficEngine } from '../types.js';
import { readTraffic } from './readTraffic.js';
import { scanTraffic } from './scan.js';

export const inProcessEngine: TrafficEngine = {
  name: 'inprocess',
  scan: scanTraffic,
  read: readTraffic,
};

export { readTraffic, type ReadTrafficOptions } from './readTraffic.js';
export { scanTraffic } from './scan.js';
export { listInputs, inputBytes, openInput, decompressStream, readLines } from './inputs.js';
export { readInput, type InputPiece, type ReadProgress } from './readInput.js';
export type { SkipEntry } from './chunk.js';
