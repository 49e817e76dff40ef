/** The in-process engine: files, folders and stdin read on this machine, worker threads for large inputs. */
import type { TrafficEngine } from '../types.js';
import { readTraffic } from './readTraffic.js';
import { scanTraffic } from './scan.js';

export const inProcessEngine: TrafficEngine = {
  name: 'inprocess',
  scan: scanTraffic,
  read: readTraffic,
};

export { readTraffic } from './readTraffic.js';

export { listInputs, openInput, decompressStream, prefetchInputs, readLines, inputBytes } from './inputs.js';
export { readInput } from './readInput.js';
