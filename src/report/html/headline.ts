/**
 * The headline at the top of the report: "X% cheaper at Y% quality parity
 * (95% CI)" when a calibrated pick proves it, and otherwise a plain statement
 * of what is (and is not) known. Pure.
 */
import { fmtPct, fmtShare, fmtShareInterval, fmtUsd } from './format.js';
import type { CalibrateReportJson } from '../../artifacts/calibrateReport.js';
import { arr, num, obj, str, type Obj } from './read.js';

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
 * The analyze headline figure: the routed ceiling against all-frontier (the
 * same requests all on the frontier tier), with the figure against actual
 * spend beside it. Read from `headline.savingsPct` / `savings.ceilingPct`, else
 * computed from the costs.
 */
export function readCeiling(analyze: Obj | undefined): { frontier?: number; actual?: number; routed?: number; cutPct: number; vsActualPct?: number } | undefined {
  if (!analyze) return undefined;
  const cost = obj(analyze.cost);
  const savings = obj(analyze.savings);
  const frontier = num(cost?.frontierCounterfactual);
  const actual = num(cost?.actual);
  const routed = num(cost?.routedCeiling);
  const head = obj(analyze.headline);
  if (head && head.savingsPct === null) return undefined;
  const cutPct = num(head?.savingsPct) ?? num(savings?.ceilingPct) ?? (frontier !== undefined && routed !== undefined && frontier > 0 ? ((frontier - routed) / frontier) * 100 : undefined);
  if (cutPct === undefined) return undefined;
  const vsActualPct = num(savings?.ceilingVsActualPct) ?? (actual !== undefined && routed !== undefined && actual > 0 ? ((actual - routed) / actual) * 100 : undefined);
  return { frontier, actual, routed, cutPct, vsActualPct };
}

/** Without measured labels (`distributionSource: "prior"`): the ceiling at the low and high easy share, percent. */
function readPriorRange(analyze: Obj | undefined): [number, number] | undefined {
  const r = arr(obj(analyze?.headline)?.savingsRangePct).map(num);
  return r.length === 2 && r[0] !== undefined && r[1] !== undefined ? [r[0], r[1]] : undefined;
}

/** Provenance of any report JSON: `provenance.synthetic`. */
export function isSample(o: unknown): boolean {
  return obj(obj(o)?.provenance)?.synthetic === true;
}

/** Caveats of an analyze JSON: its own headline caveats, else the unpriced share computed from the counts. */
function analyzeCaveats(a: Obj | undefined): string[] {
  if (!a) return [];
  const own = arr(obj(a.headline)?.caveats).map(str).filter((c): c is string => Boolean(c));
  if (obj(a.headline)) return own;
  const tokens = obj(a.tokens);
  const all = ['input', 'output', 'cacheRead', 'cacheWrite'].reduce((n, k) => n + (num(tokens?.[k]) ?? 0), 0);
  const unpriced = arr(a.unpricedModels).reduce<number>((n, u) => {
    const t = obj(obj(u)?.tokens);
    return n + ['input', 'output', 'cacheRead', 'cacheWrite'].reduce((m, k) => m + (num(t?.[k]) ?? 0), 0);
  }, 0);
  const share = num(a.unpricedTokenShare) ?? (all > 0 ? unpriced / all : 0);
  const records = obj(a.records);
  if ((num(records?.valid) ?? 0) > 0 && num(records?.priced) === 0) return ['Nothing could be priced: every figure is $0. Add the models with --catalog or modelMap.'];
  return share > 0.05 ? [`${fmtShare(share)} of tokens have no price and are in no figure: the savings cover the priced traffic only.`] : [];
}

export function describeShares(shares: [string, number][]): string {
  return shares.map(([tier, s]) => `${fmtShare(s, 0)} to ${tier}`).join(', ');
}

export function buildHeadline(input: { analyze?: Obj; evals?: readonly object[]; calibrate?: CalibrateReportJson; costs?: Obj }): Headline {
  const ceiling = readCeiling(input.analyze);
  const sample = [input.analyze, ...(input.evals ?? []), input.calibrate].some(isSample);
  const held = input.calibrate?.kind === 'calibrate' ? input.calibrate.holdout : undefined;
  const caveats = [
    ...(held && !held.meetsBar ? [`On ${held.items} held-out items the pick breaks the bar: ${fmtShare(held.parity)} parity (one-sided 95% lower bound ${fmtShare(held.parityLower95)}), ${fmtPct(held.savingsPct, 1)} savings.`] : []),
    ...(sample ? [sampleCaveat(input)] : []),
    ...analyzeCaveats(input.analyze).filter((c) => !/^Sample data/.test(c)),
  ];
  const money = (from?: number, to?: number) => (from !== undefined && to !== undefined ? ` (${fmtUsd(from)} → ${fmtUsd(to)})` : '');
  const ceilingText = ceiling
    ? `On the analysed traffic, sending each request to the tier of its difficulty would cost up to ${fmtPct(ceiling.cutPct, 1)} less than sending all of it to the frontier tier${money(ceiling.frontier, ceiling.routed)}${
        ceiling.vsActualPct !== undefined ? `; against what was actually paid${ceiling.actual !== undefined ? ` (${fmtUsd(ceiling.actual)})` : ''} that is ${fmtPct(ceiling.vsActualPct, 1)} less` : ''
      }.`
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
  const prior = readPriorRange(input.analyze);
  if (prior) {
    return done({
      kind: 'unproven',
      claim: `${fmtPct(prior[0], 1)}–${fmtPct(prior[1], 1)} cheaper than all-frontier if 40–90% of requests are easy — the easy share is not measured, quality unproven`,
      detail: `${str(obj(input.analyze!.headline)?.text) ?? ''} The difficulty mix is the labeler's prior, not a measurement: \`tokor label\` measures it on a sample of the traffic and \`tokor analyze --labels\` estimates the ceiling from it with a 95% interval.`.trim(),
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
function sampleCaveat(input: { analyze?: Obj; evals?: readonly object[]; calibrate?: object }): string {
  const parts: string[] = [];
  if (isSample(input.analyze)) parts.push('the traffic figures come from the bundled synthetic Bedrock logs');
  if ((input.evals ?? []).some(isSample) || isSample(input.calibrate)) parts.push("the quality figures come from the bundled golden datasets' synthetic recorded answers");
  return `Sample data: ${parts.join('; ')} — not real traffic or measurements of the models.`;
}
