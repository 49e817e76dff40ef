/**
 * The gate's outputs: a terminal table, a pull-request comment in Markdown,
 * JUnit XML for CI test panels, and the JSON contract. Pure: strings in, strings out.
 */
import { mdCode, mdText, termSafe } from '../report/escape.js';
import { DEFAULT_WIDTH, fitTable, wrapText } from '../report/table.js';
import { GATE_SCHEMA_VERSION, type GateFormat, type GateJson, type GateVerdict, type SavingsCheck, type ScopeVerdict, type Snapshot } from './types.js';
import { formatPoints } from './verdict.js';
import { ms, pct, pctFigure, usd, usdToPicodollar } from '../report/format.js';

/** Dollars as the gate prints them: no thousands separators. */
const PLAIN = { grouping: false } as const;
import { sharesNote } from '../calibrate/apply.js';

export function renderGate(v: GateVerdict, format: GateFormat, opts: { width?: number } = {}): string {
  if (format === 'json') return JSON.stringify(gateJson(v), usdToPicodollar, 2);
  if (format === 'markdown') return renderGateMarkdown(v);
  return renderGateTable(v, opts.width ?? DEFAULT_WIDTH);
}

/** Said beside the verdict and the savings when the results are graded from bundled sample recordings. */
function sampleNote(v: GateVerdict): string | undefined {
  return v.provenance?.synthetic ? `Sample data: gated on ${v.provenance.what ?? 'bundled synthetic recordings'} — not measurements of the models.` : undefined;
}

/** The quality measure in force and its lower bound, as the JSON reports them. */
function measured(s: ScopeVerdict): { quality: number | null; qualityLower: number | null } {
  return s.status === 'empty' ? { quality: null, qualityLower: null } : { quality: s.value, qualityLower: s.lower };
}

function baseMeasured(s: ScopeVerdict, b: Snapshot): { quality: number; qualityLower: number } {
  return s.measure === 'parity' ? { quality: b.parity, qualityLower: b.parityLower } : { quality: b.passRate, qualityLower: b.passRateLower };
}

export function gateJson(v: GateVerdict): GateJson {
  const global = v.scopes[0]!;
  const p = global.proposed;
  const out: GateJson = {
    schemaVersion: GATE_SCHEMA_VERSION,
    pass: v.pass,
    policy: v.policy,
    datasets: v.datasets,
    pattern: v.pattern,
    thresholds: v.thresholds,
    scopes: v.scopes.map((s) => {
      const row: GateJson['scopes'][number] = {
        scope: s.scope,
        n: s.n,
        measure: s.measure,
        ...measured(s),
        floor: s.floor,
        confidence: s.confidence,
        pass: s.status !== 'fail',
        margin: s.status === 'empty' ? null : s.margin,
        status: s.status,
        passRate: s.proposed?.passRate ?? null,
        parity: s.proposed?.parity ?? null,
        costUsd: s.proposed?.costUsd ?? null,
        savingsPct: s.proposed?.savingsPct ?? null,
        tierShares: s.proposed?.tierShares ?? {},
        latency: s.proposed?.latency ?? null,
        ...(s.maxP95LatencyMs !== undefined ? { maxP95LatencyMs: s.maxP95LatencyMs } : {}),
      };
      if (s.base) row.base = { ...baseMeasured(s, s.base), savingsPct: s.base.savingsPct, tierShares: s.base.tierShares };
      return row;
    }),
    savings: { pct: p?.savingsPct ?? 0, costUsd: p?.costUsd ?? 0, frontierCostUsd: p?.frontierCostUsd ?? 0, checks: v.checks },
    warnings: v.warnings,
    notes: v.notes ?? [],
    shares: v.shares ?? [],
    provenance: v.provenance ?? { synthetic: false },
  };
  if (v.drift) out.drift = v.drift;
  if (v.base && global.base) {
    out.base = { policy: v.base, ...baseMeasured(global, global.base), savingsPct: global.base.savingsPct, costUsd: global.base.costUsd, tierShares: global.base.tierShares };
  }
  return out;
}

// ---------------------------------------------------------------- terminal

export function renderGateTable(v: GateVerdict, width: number = DEFAULT_WIDTH): string {
  const lines: string[] = [];
  const para = (text: string, hanging = '  ') => lines.push(...wrapText(termSafe(text), width, hanging));
  para(headline(v));
  const sample = sampleNote(v);
  if (sample) para(`⚠ ${sample}`);
  para(contextLine(v));
  for (const n of v.notes ?? []) para(`note: ${n}`);
  const limited = hasLatencyLimit(v);
  lines.push(
    fitTable(
      [
        { head: 'scope', fit: 'ellipsis', min: 16 },
        { head: 'n', align: 'right' },
        { head: 'measure', drop: 1 },
        { head: 'value', align: 'right' },
        { head: 'lower bound', align: 'right' },
        { head: 'floor', align: 'right' },
        { head: 'margin', align: 'right' },
        { head: 'savings vs all-frontier', align: 'right', drop: 2 },
        ...(limited ? [{ head: 'p95 latency', align: 'right' as const, drop: 3 }] : []),
        { head: 'result' },
      ],
      v.scopes.map((s) => [s.scope, String(s.n), s.measure, num(s.value), num(s.lower), String(s.floor), s.status === 'empty' ? '—' : formatPoints(s.margin), s.proposed ? pctFigure(s.proposed.savingsPct) : '—', ...(limited ? [p95Cell(s)] : []), resultWord(s, v)]),
      { width },
    ),
  );
  const g = v.scopes[0]!;
  if (g.proposed) para(savingsLine(g) + (sample ? ' (sample data)' : ''));
  if (v.shares) para(sharesNote(v.shares));
  if (g.base && g.proposed) para(`against ${v.base}: ${changeLines(g).join(' · ')}`);
  for (const c of v.checks) para(`${c.pass ? 'ok  ' : 'FAIL'} ${checkName(c)}: ${c.message}`, '     ');
  for (const s of v.scopes.filter((x) => x.status === 'fail')) para(`FAIL ${s.message}`, '     ');
  for (const w of v.warnings) para(`warning: ${w}`);
  return lines.join('\n');
}

function headline(v: GateVerdict): string {
  const failing = v.scopes.filter((s) => s.status === 'fail').length + v.checks.filter((c) => !c.pass).length;
  return v.pass ? `tokor gate: PASS — ${v.policy} holds every floor` : `tokor gate: FAIL — ${failing} check${failing === 1 ? '' : 's'} failed for ${v.policy}`;
}

function contextLine(v: GateVerdict): string {
  const thresholds = v.thresholds.length ? ` thresholds ${v.thresholds.join(', ')}` : '';
  const overrides = [v.overrides.floor !== undefined ? `--floor ${v.overrides.floor}` : '', v.overrides.confidence !== undefined ? `--confidence ${v.overrides.confidence}` : ''].filter(Boolean);
  return `datasets ${v.datasets.join(', ')} · tiers ${v.tiers.join(' → ')} · ${v.pattern}${thresholds}${overrides.length ? ` · overridden: ${overrides.join(' ')}` : ''}`;
}

function savingsLine(g: ScopeVerdict): string {
  const p = g.proposed!;
  return `savings ${pctFigure(p.savingsPct)} against all-frontier (${usd(p.frontierCostUsd, undefined, PLAIN)} → ${usd(p.costUsd, undefined, PLAIN)}) · tiers ${sharesText(p.tierShares)}`;
}

function changeLines(g: ScopeVerdict): string[] {
  const b = g.base!;
  const p = g.proposed!;
  return [
    `pass rate ${num(b.passRate)} → ${num(p.passRate)}`,
    `parity ${num(b.parity)} → ${num(p.parity)}`,
    `savings ${pctFigure(b.savingsPct)} → ${pctFigure(p.savingsPct)}`,
    `tiers ${sharesText(b.tierShares)} → ${sharesText(p.tierShares)}`,
  ];
}

/** Whether any scope is held to a routed p95 latency: then the table shows each scope's p95. */
function hasLatencyLimit(v: GateVerdict): boolean {
  return v.scopes.some((s) => s.maxP95LatencyMs !== undefined);
}

/** "1,830 ms (max 1,500)", "unknown", "—" for an empty scope. */
function p95Cell(s: ScopeVerdict): string {
  if (s.status === 'empty') return '—';
  const l = s.proposed?.latency;
  if (!l) return 'unknown';
  return `${ms(l.p95Ms)}${s.maxP95LatencyMs !== undefined ? ` (max ${ms(s.maxP95LatencyMs).replace(/ ms$/, '')})` : ''}`;
}

/** Whether the scope's routed p95 latency broke its limit. */
function slow(s: ScopeVerdict, v: GateVerdict): boolean {
  return v.checks.some((c) => c.check === 'max-p95-latency' && c.scope === s.scope && !c.pass);
}

function resultWord(s: ScopeVerdict, v: GateVerdict): string {
  if (s.status === 'pass' && slow(s, v)) return 'FAIL (p95)';
  return s.status === 'empty' ? 'no items' : s.status === 'pass' ? 'pass' : 'FAIL';
}

// ---------------------------------------------------------------- markdown

/** A pull-request comment: verdict first, then the numbers, then what changed. */
export function renderGateMarkdown(v: GateVerdict): string {
  const out: string[] = [];
  out.push(`### ${v.pass ? '✅ tokor gate passed' : '❌ tokor gate failed'}`, '');
  const sample = sampleNote(v);
  if (sample) out.push(`> ⚠️ **${sample}**`, '');
  out.push(
    `Policy ${mdCode(v.policy)}${v.base ? ` against base ${mdCode(v.base)}` : ''} · datasets ${v.datasets.map((d) => mdCode(d)).join(', ')} · ${mdText(v.pattern)} routing over ${v.tiers.map(mdText).join(' → ')}${v.thresholds.length ? ` (thresholds ${v.thresholds.join(', ')})` : ''}`,
    '',
  );
  for (const n of v.notes ?? []) out.push(`> **Note:** ${mdText(n)}`, '');
  const failures = [...v.scopes.filter((s) => s.status === 'fail').map((s) => s.message), ...v.checks.filter((c) => !c.pass).map((c) => `${checkName(c)}: ${c.message}`)];
  if (failures.length) {
    out.push('**Failing:**', '', ...failures.map((f) => `- ${mdText(f)}`), '');
  }
  const withBase = Boolean(v.base);
  const limited = hasLatencyLimit(v);
  out.push(
    `| Scope | n | Measure |${withBase ? ' Lower bound before |' : ''} Lower bound | Floor | Margin |${withBase ? ' Savings before |' : ''} Savings vs all-frontier${sample ? ' (sample data)' : ''} |${limited ? ' p95 latency |' : ''} Result |`,
    `|---|---:|---|${withBase ? '---:|' : ''}---:|---:|---:|${withBase ? '---:|' : ''}---:|${limited ? '---:|' : ''}---|`,
  );
  for (const s of v.scopes) {
    const conf = `${Math.round(s.confidence * 1000) / 10}%`;
    const before = s.base ? baseMeasured(s, s.base) : undefined;
    const cells = [
      mdText(s.scope),
      String(s.n),
      s.measure,
      ...(withBase ? [before ? num(before.qualityLower) : '—'] : []),
      s.status === 'empty' ? '—' : `${num(s.lower)} (${conf})`,
      String(s.floor),
      s.status === 'empty' ? '—' : formatPoints(s.margin),
      ...(withBase ? [s.base ? pctFigure(s.base.savingsPct) : '—'] : []),
      s.proposed ? pctFigure(s.proposed.savingsPct) : '—',
      ...(limited ? [p95Cell(s)] : []),
      s.status === 'empty' ? '⚠️ no items' : s.status === 'pass' ? (slow(s, v) ? '❌ p95' : '✅') : '❌',
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  const g = v.scopes[0]!;
  if (g.proposed) {
    const p = g.proposed;
    if (g.base) {
      const b = g.base;
      out.push(`| Whole population${sample ? ' (sample data)' : ''} | Before (base) | After (this change) | Change |`, '|---|---:|---:|---:|');
      out.push(`| Pass rate | ${num(b.passRate)} | ${num(p.passRate)} | ${formatPoints(p.passRate - b.passRate)} |`);
      out.push(`| Parity to frontier | ${num(b.parity)} | ${num(p.parity)} | ${formatPoints(p.parity - b.parity)} |`);
      out.push(`| Savings vs all-frontier | ${pctFigure(b.savingsPct)} | ${pctFigure(p.savingsPct)} | ${signedPts(p.savingsPct - b.savingsPct)} |`);
      out.push(`| Cost on the golden set | ${usd(b.costUsd, undefined, PLAIN)} | ${usd(p.costUsd, undefined, PLAIN)} | ${usd(p.costUsd - b.costUsd, undefined, { ...PLAIN, signed: true })} |`);
      for (const tier of v.tiers) {
        const before = b.tierShares[tier] ?? 0;
        const after = p.tierShares[tier] ?? 0;
        out.push(`| Share on ${mdText(tier)} | ${pct(before)} | ${pct(after)} | ${formatPoints(after - before)} |`);
      }
      out.push('');
    } else {
      out.push(`**Savings** ${pctFigure(p.savingsPct)} against all-frontier (${usd(p.frontierCostUsd, undefined, PLAIN)} → ${usd(p.costUsd, undefined, PLAIN)} on the golden set${sample ? ', sample data' : ''}) · pass rate ${num(p.passRate)} · parity ${num(p.parity)} · tiers ${mdText(sharesText(p.tierShares))}`, '');
    }
  }
  if (v.shares) out.push(`- ${mdText(sharesNote(v.shares))}`);
  for (const c of v.checks.filter((x) => x.pass)) out.push(`- ✅ ${mdText(`${checkName(c)}: ${c.message}`)}`);
  for (const w of v.warnings) out.push(`- ⚠️ ${mdText(w)}`);
  if (v.checks.some((c) => c.pass) || v.warnings.length) out.push('');
  out.push('<sub>Lower bounds are one-sided at the confidence shown; the parity measure is routed quality over all-frontier quality on the same items. Generated by `tokor gate`.</sub>');
  return out.join('\n');
}

// ---------------------------------------------------------------- junit

/** JUnit XML: one <testcase> per scope (its floor) and per savings check; empty scopes are <skipped>. */
export function renderGateJunit(v: GateVerdict): string {
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const s of v.scopes) {
    const name = `${s.measure} lower bound ≥ floor ${s.floor}`;
    const open = `    <testcase classname="${xmlAttr(`tokor.gate.${s.scope}`)}" name="${xmlAttr(name)}"`;
    if (s.status === 'empty') {
      skipped++;
      cases.push(`${open}>\n      <skipped message="${xmlAttr(s.message)}"/>\n    </testcase>`);
    } else if (s.status === 'fail') {
      failures++;
      cases.push(`${open}>\n      <failure message="${xmlAttr(s.message)}" type="QualityFloor">${xmlText(scopeDetail(s, sampleNote(v)))}</failure>\n    </testcase>`);
    } else {
      cases.push(`${open}>\n      <system-out>${xmlText(scopeDetail(s, sampleNote(v)))}</system-out>\n    </testcase>`);
    }
  }
  for (const c of v.checks) {
    const open = `    <testcase classname="${xmlAttr(`tokor.gate.${junitClass(c)[0]}`)}" name="${xmlAttr(checkName(c))}"`;
    if (c.pass) cases.push(`${open}>\n      <system-out>${xmlText(c.message)}</system-out>\n    </testcase>`);
    else {
      failures++;
      cases.push(`${open}>\n      <failure message="${xmlAttr(c.message)}" type="${junitClass(c)[1]}">${xmlText(c.message)}</failure>\n    </testcase>`);
    }
  }
  const total = cases.length;
  const sample = sampleNote(v);
  const suite = xmlAttr(`tokor gate: ${v.policy}${sample ? ' (sample data)' : ''}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tokor gate" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${suite}" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...(sample ? ['    <properties>', `      <property name="sample-data" value="${xmlAttr(sample)}"/>`, '    </properties>'] : []),
    ...cases,
    ...(sample ? [`    <system-out>${xmlText(sample)}</system-out>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function scopeDetail(s: ScopeVerdict, sample: string | undefined): string {
  const p = s.proposed;
  const parts = [s.message];
  if (sample) parts.push(sample);
  if (p) parts.push(`pass rate ${num(p.passRate)} (lower ${num(p.passRateLower)}), parity ${num(p.parity)} (lower ${num(p.parityLower)}), savings ${pctFigure(p.savingsPct)}, tiers ${sharesText(p.tierShares)}`);
  if (s.base) parts.push(`base: pass rate ${num(s.base.passRate)}, parity ${num(s.base.parity)}, savings ${pctFigure(s.base.savingsPct)}`);
  return parts.join('\n');
}

/** XML 1.0 forbids most control characters even escaped: drop them. */
function xmlClean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
function xmlText(s: string): string {
  return xmlClean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** A savings check's name in every format: "max-savings-drop" against the base, "max-savings-drop (certified)" against the policy's certified savings. */
function checkName(c: SavingsCheck): string {
  if (c.scope !== undefined) return `${c.check} (${c.scope})`;
  return c.against === 'certified' ? `${c.check} (certified)` : c.check;
}

// ---------------------------------------------------------------- numbers

function num(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '—';
}
function signedPts(points: number): string {
  const r = Math.round(points * 10) / 10;
  return r === 0 ? '±0.0 pts' : `${r < 0 ? '−' : '+'}${Math.abs(r).toFixed(1)} pts`;
}
function sharesText(shares: Record<string, number>): string {
  return Object.entries(shares)
    .map(([t, f]) => `${t} ${Math.round(f * 100)}%`)
    .join(' / ');
}

/** A check's JUnit classname suffix and failure type. */
function junitClass(c: SavingsCheck): [string, string] {
  if (c.check === 'max-share-drift') return ['shares', 'ShareDrift'];
  if (c.check === 'traffic-coverage' || c.check === 'traffic-drift') return ['traffic', 'TrafficDrift'];
  if (c.check === 'max-p95-latency') return [c.scope ?? 'latency', 'Latency'];
  return ['savings', 'Savings'];
}
