/**
 * The bundled recordings are graded in memory (src/app/bundled.ts), not
 * written to a temporary results file and read back: the figures must be the
 * ones the file route gives (`tokor eval --out` then `--results`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCalibrate } from '../../src/app/calibrate.js';
import { runGate } from '../../src/app/gate.js';
import { calibrateJson } from '../../src/calibrate/render.js';
import { openContext } from '../../src/app/context.js';
import { evaluate } from '../../src/app/eval.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tokor-bundled-'));
const file = path.join(dir, 'results.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await evaluate(await openContext({ cwd: dir }), { tier: 'all', out: file, cache: false });
}, 60_000);

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

describe('bundled recordings in memory', () => {
  it('calibrate: the same report as from the results file (only the note saying where the results came from differs)', async () => {
    const inMemory = json(calibrateJson(await runCalibrate({ cwd: dir })));
    const fromFile = json(calibrateJson(await runCalibrate({ cwd: dir, results: [file] })));
    expect(inMemory.notes).toEqual([expect.stringMatching(/^no --results: calibrated on the bundled/), ...(fromFile.notes as string[])]);
    expect({ ...inMemory, notes: [] }).toEqual({ ...fromFile, notes: [] });
    expect((inMemory.provenance as { synthetic: boolean }).synthetic).toBe(true);
  }, 60_000);

  it('gate: the same verdict as from the results file', async () => {
    const inMemory = await runGate({ cwd: dir });
    const fromFile = await runGate({ cwd: dir, results: [file] });
    expect(json(inMemory.verdict)).toEqual(json(fromFile.verdict));
    expect(inMemory.notes[0]).toMatch(/bundled golden datasets, graded from their recorded responses/);
  }, 60_000);
});
