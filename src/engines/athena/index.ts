/**
 * The Athena engine: analyze's SQL run where the logs are (scan.ts), the AWS
 * SDK loaded only when it is used.
 */
import { inProcessEngine } from '../inprocess/index.js';
import type { TrafficEngine } from '../types.js';

export const athenaEngine: TrafficEngine = {
  name: 'athena',
  scan: async (req) => (await import('./scan.js')).scanAthena(req),
  // `tokor label` reads whole records one by one: the in-process reader does that.
  read: inProcessEngine.read,
};

export { athenaDdl, type DdlOptions } from './ddl.js';
