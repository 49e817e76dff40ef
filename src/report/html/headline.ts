/**
 * The headline at the top of the report: "X% cheaper at Y% quality parity
 * (95% CI)" when a calibrated pick proves it, and otherwise a plain statement
 * of what is (and is not) known. Pure.
 */
import { fmtPct, fmtShare, fmtShareInterval, fmtUsd } from './format.js';
import type { AnalyzeReportJson } from '../../artifacts/analyzeReport.js';
import type { CalibrateReportJson } from '../../artifacts/calibrateReport.js';
import { obj } from './read.js';

type HeadlineKind = 'proven' | 'bar-not-met' | 'eval-only' | 'unproven' | 'empty';

export interface Headline {
  kind: HeadlineKind;
  claim: string;
  detail: string;
  /** What a reader must see beside the figure: bundled sample data, spend without a price. */
  caveats: string[];
  /** Some figure on the page comes from bundled sample data. */
  sample: boolean;
}

/** A routing threshold as people read it: three significant digits (0.0985322 → 0.0985). */
export function fmtThreshold(t: number): string {
  return String(Number(t.toPrecision(3)));
}

/** A calibrated pick as the report shows it: the figures calibrate certified (the paired parity interval among them). */
export interface RoutingPick {
  pattern: string;
  thresholds: number[];
  quality: number;
  qualityCi95: [number, number];
  costUsd: number;
  savingsPct: number;
  tierShares: [string, number][];
  /** Routed quality ÷ all-frontier quality. */
  parity: number;
  /** Two-sided 95% interval of parity, paired by item (Fieller), as calibrate certifies it. */
  parityCi95: [number, number];
  frontierQuality: number;
}

/** The pick of a calibrate report (or the evaluation of an --apply report), as calibrate certified it; undefined when there is none. */
export function readPick(calibrate: CalibrateReportJson | undefined): RoutingPick | undefined {
  if (!calibrate) return undefined;
  const p = calibrate.kind === 'calibrate' ? calibrate.pick : calibrate;
  if (!p) return undefined;
  const rule = calibrate.kind === 'calibrate' ? calibrate.pick! : calibrate.policy;
  return {
    pattern: rule.pattern,
    thresholds: rule.thresholds,
    quality: p.quality,
    qualityCi95: p.qualityCi95,
    costUsd: p.costUsd,
    savingsPct: p.savingsPct,
    tierShares: Object.entries(p.tierShares),
    parity: p.parity,
    parityCi95: p.parityCi95,
    frontierQuality: p.frontier.quality,
  };
}

/**
 * The analyze headline figure: `headline.savingsPct`, the routed ceiling
 * against all-frontier (the same requests all on the frontier tier), with the
 * ceiling against actual spend (`savings.ceilingVsActualPct`) beside it; none
 * when analyze states no figure (a prior, or nothing priced).
 */
export function readCeiling(analyze: AnalyzeReportJson | undefined): { frontier: number; actual: number; routed: number; cutPct: number; vsActualPct: number } | undefined {
  if (!analyze || analyze.headline.savingsPct === null) return undefined;
  const { frontierCounterfactual: frontier, actual, routedCeiling: routed } = analyze.cost;
  return { frontier, actual, routed, cutPct: analyze.headline.savingsPct, vsActualPct: analyze.savings.ceilingVsActualPct };
}

/** Provenance of any report JSON: `provenance.synthetic`. */
export function isSample(o: unknown): boolean {
  return obj(obj(o)?.provenance)?.synthetic === true;
}

export function describeShares(shares: [string, number][]): string {
  return shares.map(([tier, s]) => `${fmtShare(s, 0)} to ${tier}`).join(', ');
}

export function buildHeadline(input: { analyze?: AnalyzeReportJson; evals?: readonly object[]; calibrate?: CalibrateReportJson; costs?: object }): Headline {
  const ceiling = readCeiling(input.analyze);
  const sample = [input.analyze, ...(input.evals ?? []), input.calibrate].some(isSample);
  const held = input.calibrate?.kind === 'calibrate' ? input.calibrate.holdout : undefined;
  const caveats = [
    ...(held && !held.meetsBar ? [`On ${held.items} held-out items the pick breaks the bar: ${fmtShare(held.parity)} parity (one-sided 95% lower bound ${fmtShare(held.parityLower95)}), ${fmtPct(held.savingsPct, 1)} savings.`] : []),
    ...(sample ? [sampleCaveat(input)] : []),
    ...(input.analyze?.headline.caveats ?? []).filter((c) => !/^Sample data/.test(c)),
  ];
  const ceilingText = ceiling
    ? `On the analysed traffic, sending each request to the tier of its difficulty would cost up to ${fmtPct(ceiling.cutPct, 1)} less than sending all of it to the frontier tier (${fmtUsd(ceiling.frontier)} → ${fmtUsd(ceiling.routed)}); against what was actually paid (${fmtUsd(ceiling.actual)}) that is ${fmtPct(ceiling.vsActualPct, 1)} less.`
    : '';
  const done = (h: Omit<Headline, 'caveats' | 'sample'>): Headline => ({ ...h, caveats, sample });
  const pick = readPick(input.calibrate);
  if (pick) {
    const claim = `${fmtPct(pick.savingsPct, 1)} cheaper than all-frontier at ${fmtShare(pick.parity)} quality parity (95% CI ${fmtShareInterval(pick.parityCi95)})`;
    const how = [
      `Measured on the golden dataset with ${pick.pattern} routing${pick.thresholds.length ? ` at threshold${pick.thresholds.length > 1 ? 's' : ''} ${pick.thresholds.map(fmtThreshold).join(', ')}` : ''}`,
      pick.tierShares.length ? ` (${describeShares(pick.tierShares)})` : '',
      `: pass rate ${fmtShare(pick.quality)} (95% CI ${fmtShareInterval(pick.qualityCi95)})`,
      ` vs ${fmtShare(pick.frontierQuality)} with every request on the frontier tier.`,
    ].join('');
    return done({ kind: 'proven', claim, detail: [how, ceilingText].filter(Boolean).join(' ') });
  }
  if (input.calibrate) {
    const c = input.calibrate;
    const best = c.kind === 'calibrate' ? c.patterns.flatMap((p) => p.curve).reduce<number | undefined>((m, p) => (m === undefined || p.quality > m ? p.quality : m), undefined) : undefined;
    const bar = c.kind === 'calibrate' ? c.bar : c.policy.bar;
    return done({
      kind: 'bar-not-met',
      claim: 'No routing threshold met the quality bar',
      detail: [
        `tokor calibrate found no threshold whose quality bound clears the bar${bar !== undefined ? ` (${fmtShare(bar)})` : ''}${best !== undefined ? `; the best routed pass rate was ${fmtShare(best)}` : ''}.`,
        'No saving is proven at quality parity.',
        ceilingText,
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
  if (input.evals && input.evals.length > 0) {
    return done({
      kind: 'eval-only',
      claim: ceiling ? `Up to ${fmtPct(ceiling.cutPct, 1)} cheaper than all-frontier — quality parity not yet shown` : 'Tier quality measured — routing not yet calibrated',
      detail: [
        ceilingText,
        'Eval results below show what each tier passes, but no routing threshold has been calibrated, so no saving is proven at quality parity yet: run `tokor calibrate` on these results.',
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
  if (ceiling) {
    return done({
      kind: 'unproven',
      claim: `Up to ${fmtPct(ceiling.cutPct, 1)} cheaper than all-frontier — quality unproven`,
      detail: `${ceilingText} Nothing here shows that the cheaper tiers answer well enough: quality is unproven until \`tokor eval\` runs the tiers on golden datasets and \`tokor calibrate\` picks a threshold that keeps the quality bar.`,
    });
  }
  const prior = input.analyze?.headline.savingsRangePct;
  if (prior) {
    return done({
      kind: 'unproven',
      claim: `${fmtPct(prior[0], 1)}–${fmtPct(prior[1], 1)} cheaper than all-frontier if 40–90% of requests are easy — the easy share is not measured, quality unproven`,
      detail: `${input.analyze!.headline.text} The difficulty mix is the labeler's prior, not a measurement: \`tokor label\` measures it on a sample of the traffic and \`tokor analyze --labels\` estimates the ceiling from it with a 95% interval.`.trim(),
    });
  }
  if (input.analyze) {
    return done({
      kind: 'empty',
      claim: 'No cost or savings figure: nothing could be priced',
      detail: 'None of the analysed requests has a price in the catalog, so every figure would be $0. Add the models with --catalog or modelMap and run `tokor analyze` again.',
    });
  }
  return done({
    kind: 'empty',
    claim: 'Quality unproven',
    detail: 'No eval or calibration results were given, so no saving is proven at quality parity: run `tokor eval` and `tokor calibrate`.',
  });
}

/** Which inputs are sample data, in one sentence. */
function sampleCaveat(input: { analyze?: AnalyzeReportJson; evals?: readonly object[]; calibrate?: object }): string {
  const parts: string[] = [];
  if (isSample(input.analyze)) parts.push(`the traffic figures come from ${input.analyze?.provenance.what ?? 'the bundled synthetic Bedrock logs'}`);
  if ((input.evals ?? []).some(isSample) || isSample(input.calibrate)) parts.push("the quality figures come from the bundled golden datasets' synthetic recorded answers");
  return `Sample data: ${parts.join('; ')} — not real traffic or measurements of the models.`;
}
