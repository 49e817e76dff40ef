/**
 * `tokor label --dry-run`: the task clusters of the traffic, the sample drawn
 * from each, and what measuring it would cost per tier — before anything is
 * sent. Pure; returns strings.
 */
import type { ClusterSample } from '../eval/labelSample.js';
import type { Provenance } from '../types.js';
import { capRows, int, usd, counted } from './format.js';
import { fitTable, wrapText } from './table.js';

/** The --dry-run contract (also its --format json). */
export interface LabelPlan {
  kind: 'tokor-label-plan';
  /** Requests read that could be labeled (a prompt body and a logged answer). */
  requests: number;
  /** Requests to measure (all of them without --sample or --budget). */
  sampleSize: number;
  /** What chose the size: "--sample N", "--budget USD" or "every request". */
  sizedBy: string;
  clusters: ClusterSample[];
  /** Expected cost of measuring the sample, per tier (null: the catalog has no price), priced from the logged tokens. */
  costs: { tier: string; model: string; role: 'replay' | 'judge'; usd: number | null }[];
  /** The priced tiers' sum. */
  totalUsd: number;
  skipped: { noPrompt: number; noAnswer: number; unreadable: number };
  /** Synthetic when any file read is the bundled sample (fixtures/sample), as in every JSON contract. */
  provenance: Provenance;
}

const MAX_CLUSTERS = 25;

export function renderLabelPlan(p: LabelPlan, format: 'table' | 'json', opts: { width: number }): string {
  if (format === 'json') return `${JSON.stringify(p, null, 2)}\n`;
  const lines: string[] = [];
  lines.push(...wrapText(`Sample ${int(p.sampleSize)} of ${counted(p.requests, 'labelable request')} in ${counted(p.clusters.length, 'task cluster')} (${p.sizedBy}).`, opts.width));
  if (p.provenance.synthetic) lines.push(...wrapText(`⚠ Sample data: ${p.provenance.what ?? 'bundled synthetic data'} — not real traffic.`, opts.width));
  lines.push('');
  const { shown, hidden } = capRows(p.clusters, MAX_CLUSTERS);
  lines.push(
    fitTable(
      [
        { head: 'task cluster', fit: 'wrap', min: 24 },
        { head: 'signature' },
        { head: 'requests', align: 'right' },
        { head: 'sample', align: 'right' },
        { head: 'weight', align: 'right' },
      ],
      shown.map((c) => [c.text, c.signature, int(c.requests), int(c.sample), c.sample ? c.weight.toFixed(2) : '—']),
      { width: opts.width },
    ),
  );
  if (hidden) lines.push(`… and ${counted(hidden, 'smaller cluster')} (--format json lists every one)`);
  lines.push('');
  lines.push('Expected measurement cost (priced from the logged tokens):');
  lines.push(
    fitTable(
      [{ head: 'tier' }, { head: 'model', fit: 'model' }, { head: 'role' }, { head: 'USD', align: 'right' }],
      [...p.costs.map((c) => [c.tier, c.model, c.role === 'judge' ? 'llm judge' : 'replay', usd(c.usd)]), ['total', '', '', usd(p.totalUsd)]],
      { width: opts.width },
    ),
  );
  return `${lines.join('\n')}\n`;
}
