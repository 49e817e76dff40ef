// Types for scripts/fuzz.mjs, which test/fuzz/readers.test.ts imports.
import type { Arbitrary } from 'fast-check';

export interface FuzzSpec {
  format: 'bedrock' | 'openai' | 'csv';
  encoding: 'plain' | 'bom' | 'gzip' | 'gzip-members' | 'gzip-junk' | 'gzip-cut';
  rows: { mutate: string | null; n: number; text: string }[];
  cut: number;
  junk: Uint8Array;
  id: number;
}
export interface FuzzResult {
  records: number;
  name: string;
  encoding: string;
  crashes: number;
  lostRows: number;
  phantomRows: number;
  problems: string[];
}
export const FUZZ_MAX_LINE: number;
export function caseArbitrary(): Arbitrary<FuzzSpec>;
export function fuzzOne(spec: FuzzSpec): Promise<FuzzResult>;
