/**
 * The headline at the top of the report: "X% cheaper at Y% quality parity
 * (95% CI)" when a calibrated pick proves it, and otherwise a plain statement
 * of what is (and is not) known. Pure.
 */
import { fmtPct, fmtShare, fmtShareInterval, fmtUsd, toInterval } from './format.js';
import { arr, firstNum, num, obj, str, type Obj } from './read.js';

export type HeadlineKind = 'proven' | 'bar-not-met' | 'eval-only' | 'unproven' | 'empty';

export interface Headline {
  kind: HeadlineKind;
  claim: string;
  detail: string;
}

export interface RoutingPick {
  pattern?: string;
  thresholds: number[];
  quality: number;
  qualityCi95?: [number, number];
  costUsd?: number;
  savingsPct: number;
  tierShares: [string, number][];
  /** Routed quality ÷ all-frontier quality. */
  parity?: number;
  parityCi95?: [number, number];
  frontierQuality?: number;
}

/** The pick of a calibrate JSON (or the evaluation of a calibrate --apply JSON); undefined when there is none. */
export function readPick(calibrate: Obj | undefined): RoutingPick | undefined {
  if (!calibrate) return undefined;
  const isApply = !('pick' in calibrate) && obj(calibrate.frontier) !== undefined;
  const p = isApply ? calibrate : obj(calibrate.pick);
  if (!p) return undefined;
  const quality = num(p.quality);
  const savingsPct = num(p.savingsPct);
  if (quality === undefined || savingsPct === undefined) return undefined;
  const frontier = obj(obj(calibrate.baselines)?.frontier) ?? obj(calibrate.frontier);
  const frontierQuality = num(frontier?.quality);
  const qualityCi95 = toInterval(p.qualityCi95);
  let parity = num(p.parity);
  let parityCi95 = toInterval(p.parityCi95);
  if (parity === undefined && frontierQuality !== undefined && frontierQuality > 0) parity = quality / frontierQuality;
  if (!parityCi95 && qualityCi95 && frontierQuality !== undefined && frontierQuality > 0) {
    parityCi95 = [qualityCi95[0] / frontierQuality, qualityCi95[1] / frontierQuality];
  }
  const thresholds = Array.isArray(p.thresholds) ? p.thresholds.map(num).filter((n): n is number => n !== undefined) : num(p.threshold) !== undefined ? [num(p.threshold)!] : [];
  const shares = obj(p.tierShares);
  return {
    pattern: str(p.pattern) ?? str(calibrate.pattern),
    thresholds,
    quality,
    qualityCi95,
    costUsd: num(p.costUsd),
    savingsPct,
    tierShares: shares ? Object.entries(shares).flatMap(([k, v]) => (num(v) === undefined ? [] : [[k, num(v)!] as [string, number]])) : [],
    parity,
    parityCi95,
    frontierQuality,
  };
}

/** Routed ceiling vs actual spend from an analyze JSON: how much routing by difficulty could cut. */
export function readCeiling(analyze: Obj | undefined): { actual: number; routed: number; cutPct: number } | undefined {
  const cost = obj(analyze?.cost);
  const actual = num(cost?.actual);
  const routed = num(cost?.routedCeiling);
  if (actual === undefined || routed === undefined || actual <= 0) {
    const pct = num(obj(analyze?.savings)?.ceilingVsActualPct);
    return actual !== undefined && pct !== undefined ? { actual, routed: actual * (1 - pct / 100), cutPct: pct } : undefined;
  }
  return { actual, routed, cutPct: ((actual - routed) / actual) * 100 };
}

export function describeShares(shares: [string, number][]): string {
  return shares.map(([tier, s]) => `${fmtShare(s, 0)} to ${tier}`).join(', ');
}

export function buildHeadline(input: { analyze?: Obj; evals?: Obj[]; calibrate?: Obj; costs?: Obj }): Headline {
  const ceiling = readCeiling(input.analyze);
  const ceilingText = ceiling
    ? `On the analysed traffic, routing each request to its difficulty's tier would cut actual spend by up to ${fmtPct(ceiling.cutPct, 0)} (${fmtUsd(ceiling.actual)} → ${fmtUsd(ceiling.routed)}).`
    : '';
  const pick = readPick(input.calibrate);
  if (pick) {
    const parity = pick.parity !== undefined ? fmtShare(pick.parity) : fmtShare(pick.quality);
    const ci = pick.parityCi95 ?? (pick.parity === undefined ? pick.qualityCi95 : undefined);
    const claim = `${fmtPct(pick.savingsPct, 0)} cheaper than all-frontier at ${parity} ${pick.parity !== undefined ? 'quality parity' : 'quality'}${ci ? ` (95% CI ${fmtShareInterval(ci)})` : ''}`;
    const how = [
      `Measured on the golden dataset${pick.pattern ? ` with ${pick.pattern} routing` : ''}${pick.thresholds.length ? ` at threshold${pick.thresholds.length > 1 ? 's' : ''} ${pick.thresholds.join(', ')}` : ''}`,
      pick.tierShares.length ? ` (${describeShares(pick.tierShares)})` : '',
      `: pass rate ${fmtShare(pick.quality)}${pick.qualityCi95 ? ` (95% CI ${fmtShareInterval(pick.qualityCi95)})` : ''}`,
      pick.frontierQuality !== undefined ? ` vs ${fmtShare(pick.frontierQuality)} with every request on the frontier tier.` : '.',
    ].join('');
    return { kind: 'proven', claim, detail: [how, ceilingText].filter(Boolean).join(' ') };
  }
  if (input.calibrate) {
    const best = arr(input.calibrate.curve).reduce<number | undefined>((m, p) => {
      const q = num(obj(p)?.quality);
      return q !== undefined && (m === undefined || q > m) ? q : m;
    }, undefined);
    const bar = firstNum(input.calibrate, ['bar']);
    return {
      kind: 'bar-not-met',
      claim: 'No routing threshold met the quality bar',
      detail: [
        `tokor calibrate found no threshold whose quality bound clears the bar${bar !== undefined ? ` (${fmtShare(bar)})` : ''}${best !== undefined ? `; the best routed pass rate was ${fmtShare(best)}` : ''}.`,
        'No saving is proven at quality parity.',
        ceilingText,
      ]
        .filter(Boolean)
        .join(' '),
    };
  }
  if (input.evals && input.evals.length > 0) {
    return {
      kind: 'eval-only',
      claim: ceiling ? `Up to ${fmtPct(ceiling.cutPct, 0)} cheaper — quality parity not yet shown` : 'Tier quality measured — routing not yet calibrated',
      detail: [
        ceilingText,
        'Eval results below show what each tier passes, but no routing threshold has been calibrated, so no saving is proven at quality parity yet: run `tokor calibrate` on these results.',
      ]
        .filter(Boolean)
        .join(' '),
    };
  }
  if (ceiling) {
    return {
      kind: 'unproven',
      claim: `Up to ${fmtPct(ceiling.cutPct, 0)} cheaper — quality unproven`,
      detail: `${ceilingText} Nothing here shows that the cheaper tiers answer well enough: quality is unproven until \`tokor eval\` runs the tiers on golden datasets and \`tokor calibrate\` picks a threshold that keeps the quality bar.`,
    };
  }
  return {
    kind: 'empty',
    claim: 'Quality unproven',
    detail: 'No eval or calibration results were given, so no saving is proven at quality parity: run `tokor eval` and `tokor calibrate`.',
  };
}
