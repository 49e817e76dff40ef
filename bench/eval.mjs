#!/usr/bin/env node
// Eval harness overhead: items/s of `runItems` (adaptive limiter, retries
// wrapper, per-request timeout, grading, pricing, one JSONL line per item)
// through the real BedrockRuntimeClient, beside a bare Promise pool of the
// same SDK calls on the same client, in the same run, against a local
// Converse endpoint (a child process) that answers at once. Also RSS over the
// harness run, to show memory stays flat.
//   node bench/eval.mjs [--items 3000] [--concurrency 64] [--rounds 10]
//   node bench/eval.mjs --items 100000     # the memory-flatness check (~ a few minutes)
// Target: harness ≥ 0.9 × bare loop. Needs `npm run build` (imports dist/).
import { fork } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

if (process.argv.includes('--serve')) {
  // The stand-in endpoint: POST /model/{id}/converse → a fixed Converse answer, immediately.
  const body = JSON.stringify({
    output: { message: { role: 'assistant', content: [{ text: 'billing' }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 120, outputTokens: 4, totalTokens: 124 },
    metrics: { latencyMs: 0 },
  });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'bench' });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function main() {
  // A full collection before each run (the flag set at run time, so plain `node bench/eval.mjs` works).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const items = Number(arg('--items', '3000'));
  const concurrency = Number(arg('--concurrency', '64'));
  const rounds = Number(arg('--rounds', items >= 50_000 ? '1' : '10'));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = path.resolve(here, '..', 'dist');
  const imp = (p) => import(new URL(`file://${path.join(dist, p)}`).href);

  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  const endpoint = `http://127.0.0.1:${port}`;

  const [{ BedrockClient }, { runItems }, { makePricer }, { gradeCaseNow }, pricing, { ResultsWriter }, { ConverseCommand }] = await Promise.all([
    imp('providers/bedrock.js'),
    imp('eval/runItems.js'),
    imp('eval/pricer.js'),
    imp('eval/graders/index.js'),
    imp('pricing/index.js'),
    imp('artifacts/results.js'),
    import('@aws-sdk/client-bedrock-runtime'),
  ]);
  const model = 'us.amazon.nova-lite-v1:0';
  const client = new BedrockClient({ model, region: 'us-east-1', endpoint, concurrency });
  const pricer = makePricer(pricing, pricing.builtinCatalog());
  const tier = { name: 'cheap', model, client, region: 'us-east-1', maxTokens: 16 };
  const labels = ['billing', 'technical', 'account', 'refund'];
  const caseOf = (i) => ({
    id: `item-${i}`,
    input: { system: 'Classify the ticket. Answer with one label.', messages: [{ role: 'user', content: `Ticket ${i}: I was charged twice for my subscription this month, please help.` }] },
    expected: labels[i % labels.length],
    task: 'triage',
  });

  async function bare(n) {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const { messages, system } = caseOf(i).input;
        // The Converse request tokor's Bedrock provider sends, written out: what a bare SDK loop would send.
        await client.sdkClient.send(
          new ConverseCommand({ modelId: model, messages: messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })), ...(system ? { system: [{ text: system }] } : {}), inferenceConfig: { maxTokens: 16 } }),
        );
      }
    };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return measure(n, t0, c0);
  }

  /** Wall items/s and client-process CPU µs per item (CPU is steadier than wall time on a shared machine). */
  function measure(n, t0, c0) {
    const c = process.cpuUsage(c0);
    return { rate: n / ((performance.now() - t0) / 1000), cpuUs: (c.user + c.system) / n };
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tokor-bench-eval-'));
  async function harness(n, onItem) {
    const writer = new ResultsWriter(path.join(tmp, 'results.jsonl'));
    function* plan() {
      for (let i = 0; i < n; i++) yield { datasetId: 'bench', case: caseOf(i), tier };
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let done = 0;
    const stats = await runItems(plan(), {
      concurrency,
      timeoutMs: 30_000,
      grade: (c, out) => gradeCaseNow(c, out),
      price: pricer,
      onResult: (r) => {
        writer.write(r);
        onItem?.(++done);
      },
      total: n,
    });
    await writer.close();
    const m = measure(n, t0, c0);
    if (stats.errors) throw new Error(`${stats.errors} harness items failed`);
    return m;
  }

  const mb = () => Math.round(process.memoryUsage().rss / 1e6);
  console.log(`eval harness vs bare SDK loop: ${items.toLocaleString()} items per run, ${rounds} rounds, concurrency ${concurrency}, real BedrockRuntimeClient (NodeHttpHandler, keep-alive) → ${endpoint}`);
  await bare(Math.min(1000, items));
  await harness(Math.min(1000, items));

  // Rounds alternate which of the two goes first, and each starts from a
  // collected heap, so drift on a shared machine (other tenants, CPU steal)
  // and one run's garbage land on both sides alike. The figure is the median
  // of the per-round ratios: each compares two runs seconds apart.
  const bareRates = [];
  const harnessRates = [];
  const ratios = [];
  let rss;
  for (let r = 0; r < rounds; r++) {
    const runBare = async () => {
      gc();
      return bare(items);
    };
    const runHarness = async () => {
      gc();
      const samples = [mb()];
      const every = Math.max(1, Math.floor(items / 4));
      const m = await harness(items, (d) => d % every === 0 && samples.push(mb()));
      rss ??= samples;
      return m;
    };
    let b, h;
    if (r % 2 === 0) {
      b = await runBare();
      h = await runHarness();
    } else {
      h = await runHarness();
      b = await runBare();
    }
    bareRates.push(b);
    harnessRates.push(h);
    ratios.push({ rate: h.rate / b.rate, cpu: b.cpuUs / h.cpuUs });
  }
  client.close();
  child.disconnect();
  rmSync(tmp, { recursive: true, force: true });

  const median = (xs) => {
    const s = xs.slice().sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const b = median(bareRates.map((x) => x.rate));
  const h = median(harnessRates.map((x) => x.rate));
  const bCpu = median(bareRates.map((x) => x.cpuUs));
  const hCpu = median(harnessRates.map((x) => x.cpuUs));
  const ratio = median(ratios.map((x) => x.rate));
  const cpuRatio = median(ratios.map((x) => x.cpu));
  const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const fmt = (x) => `${Math.round(x.rate).toLocaleString()}/s (${Math.round(x.cpuUs)} µs CPU)`;
  console.log(`bare SDK loop   ${Math.round(b).toLocaleString()} items/s, ${Math.round(bCpu)} µs CPU per item (medians; runs: ${bareRates.map(fmt).join(', ')})`);
  console.log(`eval harness    ${Math.round(h).toLocaleString()} items/s, ${Math.round(hCpu)} µs CPU per item (medians; runs: ${harnessRates.map(fmt).join(', ')})`);
  console.log(`ratio           ${ratio.toFixed(2)}× the bare loop in items/s (per-round ${range(ratios.map((x) => x.rate))}); ${cpuRatio.toFixed(2)}× in CPU per item (per-round ${range(ratios.map((x) => x.cpu))}); target ≥ 0.90×: ${ratio >= 0.9 ? 'ok' : 'BELOW TARGET'}`);
  console.log(`RSS during the first harness run (start, each quarter): ${rss.map((x) => `${x} MB`).join(' → ')}; growth ${rss[rss.length - 1] - rss[0]} MB over ${items.toLocaleString()} items`);
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs (figures are noisy when the machine is busy)`);
}
