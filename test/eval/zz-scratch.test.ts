import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { loadDataset, bundledDatasets } from '../../src/eval/dataset.js';
import { gradeCase } from '../../src/eval/graders/index.js';

test('scratch: graded vs intended', async () => {
  const intent = JSON.parse(readFileSync('/tmp/intent.json', 'utf8'));
  for (const file of await bundledDatasets()) {
    const ds = await loadDataset(file);
    const byId = new Map(ds.cases.map((c) => [c.id, c]));
    for (const tier of ['cheap', 'mid', 'frontier']) {
      const lines = readFileSync(file.replace('dataset.jsonl', `recordings/${tier}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      let pass = 0;
      const mism: string[] = [];
      for (const rec of lines) {
        const c = byId.get(rec.itemId)!;
        const g = await gradeCase(c, rec.output);
        if (g.pass) pass++;
        const want = intent[ds.id][tier][rec.itemId] === 'right';
        if (want !== g.pass) mism.push(`${rec.itemId} want ${want} got ${g.pass}: ${g.graders.map((x) => x.reason).join(' | ')} :: ${JSON.stringify(rec.output).slice(0, 300)}`);
      }
      console.log(ds.id, tier, (pass / lines.length).toFixed(3), 'mismatches', mism.length);
      for (const m of mism.slice(0, 8)) console.log('  ', m);
    }
  }
});
