/**
 * The generated report in a real browser: headless Chromium from the npm
 * registry (`@sparticuz/chromium`, see test/helpers/chromium.ts) driven by
 * playwright-core. Screenshots and PDFs go to test-artifacts/report/
 * (gitignored). These tests are not optional: nothing here is skipped.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAnalyzeHtml, renderReportHtml } from '../../src/report/html/index.js';
import { parseEvalInputs } from '../../src/artifacts/reportInputs.js';
import { trusted } from '../../src/report/html/html.js';
import { page as pageShell } from '../../src/report/html/page.js';
import { launchChromium, type LaunchedChromium } from '../helpers/chromium.js';
import { FULL_REPORT_CHARTS, PAYLOADS, ROOT, analyzeFixture, calibrateFixture, costsFixture, fixtureText, reconciliationOf } from './helpers.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'report');

let browser: LaunchedChromium | undefined;
let ctx: BrowserContext | undefined;
const files: Record<string, string> = {};

interface Opened {
  page: Page;
  problems: string[];
  dialogs: string[];
  requests: string[];
}

async function open(name: string, viewport = { width: 1366, height: 900 }): Promise<Opened> {
  const page = await ctx!.newPage();
  await page.setViewportSize(viewport);
  const opened: Opened = { page, problems: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => opened.requests.push(r.url()));
  await page.goto(pathToFileURL(files[name]!).href, { waitUntil: 'load' });
  return opened;
}

async function chartBoxes(page: Page): Promise<{ id: string; width: number; height: number }[]> {
  const charts = page.locator('[data-chart] > svg');
  const n = await charts.count();
  const out: { id: string; width: number; height: number }[] = [];
  for (let i = 0; i < n; i++) {
    const svg = charts.nth(i);
    const box = await svg.boundingBox();
    const id = await svg.evaluate((el) => el.parentElement!.getAttribute('data-chart')!);
    out.push({ id, width: box?.width ?? 0, height: box?.height ?? 0 });
  }
  return out;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const evals = parseEvalInputs([
    { file: 'eval-results.jsonl', text: fixtureText('eval-results.jsonl') },
    { file: 'eval-summary.json', text: fixtureText('eval-summary.json') },
  ]);
  const pages: Record<string, string> = {
    full: await renderReportHtml(
      { analyze: analyzeFixture('analyze.json'), reconciliation: reconciliationOf('analyze.json'), eval: evals, calibrate: calibrateFixture('calibrate.json'), costs: costsFixture('costs.json') },
      { generatedAt: '2025-11-01T09:00:00Z', inputFiles: ['fixtures/report/analyze.json', 'fixtures/report/eval-results.jsonl', 'fixtures/report/eval-summary.json', 'fixtures/report/calibrate.json', 'fixtures/report/costs.json'] },
    ),
    hostile: await renderReportHtml(
      {
        analyze: analyzeFixture('hostile/analyze.json'),
        reconciliation: reconciliationOf('hostile/analyze.json'),
        eval: parseEvalInputs([{ file: '"><img src=x onerror=alert(7)>.jsonl', text: fixtureText('hostile/eval-results.jsonl') }]),
        calibrate: calibrateFixture('hostile/calibrate.json'),
        costs: costsFixture('hostile/costs.json'),
      },
      { title: '</title><script>window.__tokorPwned=8</script>', inputFiles: ['<script>window.__tokorPwned=9</script>.json'] },
    ),
    analyzeOnly: await renderAnalyzeHtml(analyzeFixture('analyze.json')),
    // What an escaping bug would look like: raw script and handlers in the page. The CSP alone must stop them.
    cspCanary: pageShell(
      { title: 'csp canary', meta: [], generator: 'test' },
      trusted(
        '<p id="canary">canary</p><script>window.__tokorPwned = 1; alert(1)</script><img src="https://evil.example/x.png" onerror="window.__tokorPwned = 2"><svg onload="window.__tokorPwned = 3"></svg>',
      ),
      trusted(''),
    ),
  };
  for (const [name, htmlText] of Object.entries(pages)) {
    files[name] = path.join(ARTIFACTS, `${name}.html`);
    writeFileSync(files[name]!, htmlText);
  }
  browser = await launchChromium();
  ctx = browser.context;
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('report in headless Chromium', () => {
  it('opens from disk with no console errors, no requests, and every chart drawn', async () => {
    const { page, problems, dialogs, requests } = await open('full');
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(files.full!).href]);
    const boxes = await chartBoxes(page);
    expect(boxes.map((b) => b.id)).toEqual(FULL_REPORT_CHARTS);
    for (const b of boxes) {
      expect(b.width, b.id).toBeGreaterThan(150);
      expect(b.height, b.id).toBeGreaterThan(80);
    }
    await expect(page.locator('.headline .claim').textContent()).resolves.toMatch(/^\d+\.\d% cheaper than all-frontier at \d+\.\d% quality parity \(95% CI [\d.]+–[\d.]+%\)$/);
    // Reads on a laptop: nothing wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'full.png'), fullPage: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'full-top.png') });
    await page.close();
  });

  it('shows the hostile fixture as text and runs none of it', async () => {
    const { page, problems, dialogs, requests } = await open('hostile');
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(files.hostile!).href]);
    expect(await page.evaluate(() => (window as unknown as { __tokorPwned?: unknown }).__tokorPwned)).toBeUndefined();
    const injected = await page.evaluate(() => ({
      elements: document.querySelectorAll('script, iframe, img, object, embed, a[href], form, input, foreignObject').length,
      handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}@${a.name}`)),
    }));
    expect(injected).toEqual({ elements: 0, handlers: [] });
    const text = await page.evaluate(() => document.body.textContent);
    for (const p of PAYLOADS) expect(text, p).toContain(p);
    expect(await page.title()).toBe('</title><script>window.__tokorPwned=8</script>');
    for (const b of await chartBoxes(page)) expect(b.width * b.height, b.id).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'hostile.png'), fullPage: true });
    await page.close();
  });

  it("the page's Content-Security-Policy alone stops injected script, handlers and loads", async () => {
    const finished: string[] = [];
    const { page, dialogs, problems } = await open('cspCanary');
    page.on('requestfinished', (r) => finished.push(r.url()));
    await page.reload({ waitUntil: 'load' });
    await expect(page.locator('#canary').textContent()).resolves.toBe('canary');
    expect(await page.evaluate(() => (window as unknown as { __tokorPwned?: unknown }).__tokorPwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(finished).toEqual([pathToFileURL(files.cspCanary!).href]);
    // Chromium reports each blocked script, handler and image as a CSP violation.
    expect(problems.filter((p) => /Content Security Policy/i.test(p)).length).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('states plainly that quality is unproven when only the traffic analysis is given', async () => {
    const { page, problems } = await open('analyzeOnly');
    expect(problems).toEqual([]);
    await expect(page.locator('.headline .claim').textContent()).resolves.toMatch(/quality unproven$/);
    for (const b of await chartBoxes(page)) expect(b.width * b.height, b.id).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'analyze-only.png'), fullPage: true });
    await page.close();
  });

  it('prints on A4 and Letter: one column, a page break before each later section, nothing wider than the page', async () => {
    // 190 mm of A4 printable width at 96 dpi.
    const { page } = await open('full', { width: 718, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    const layout = await page.evaluate(() => ({
      breaks: [...document.querySelectorAll('section.part')].map((s) => getComputedStyle(s).breakBefore),
      columns: getComputedStyle(document.querySelector('.fig-body')!).gridTemplateColumns.split(' ').length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    expect(layout).toEqual({ breaks: ['auto', 'page', 'page', 'page'], columns: 1, overflow: 0 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'full-print.png'), fullPage: true });
    for (const format of ['A4', 'Letter'] as const) {
      const file = path.join(ARTIFACTS, `full-${format}.pdf`);
      await page.pdf({ path: file, format, printBackground: true });
      const pages = (readFileSync(file, 'latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages, format).toBeGreaterThanOrEqual(4);
    }
    await page.close();
  });
});
