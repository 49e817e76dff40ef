/**
 * `tokor init`: writes the commented starter tokor.config.yaml for a gateway
 * (the text is gate/starterConfig.ts) and says what to run next.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { checkOutputs, writeOutput } from '../io/outputs.js';
import { starterConfig, type Gateway } from '../gate/starterConfig.js';

/** Writes the starter config (atomically: a temporary file beside it, then a rename); refuses to overwrite an existing file unless `force`. */
export async function writeStarterConfig(file: string, gateway: Gateway, force = false): Promise<void> {
  if (!force && existsSync(file)) throw new InputError('already exists: not overwritten (use --force to replace it)', file);
  await checkOutputs([{ file, flag: '--out' }]);
  await writeOutput(file, starterConfig(gateway));
}

export interface InitRun {
  file: string;
  gateway: Gateway;
  /** The commands to run next, in order. */
  next: string[];
}

/** The `tokor init` command's core: write the file, return what was written and what comes next. */
export async function runInit(o: { out: string; gateway: Gateway; force?: boolean }): Promise<InitRun> {
  await writeStarterConfig(o.out, o.gateway, Boolean(o.force));
  // The bundled sample recordings are of the Bedrock ladder: other gateways evaluate their own dataset.
  const evalStep = o.gateway === 'bedrock' ? '`tokor eval`' : '`tokor eval --dataset your-golden.jsonl --out results.jsonl`';
  return { file: o.out, gateway: o.gateway, next: [`\`tokor config check ${o.out}\``, evalStep, '`tokor calibrate`'] };
}

/** The one line `tokor init` prints. */
export function renderInit(run: InitRun): string {
  const [check, evalStep, calibrate] = run.next;
  return `wrote ${run.file} (${run.gateway}); next: ${check}, then ${evalStep} and ${calibrate}`;
}
