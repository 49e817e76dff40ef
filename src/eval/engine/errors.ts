/**
 * How calls end badly: Cancelled (the run stopped; no result, --resume runs
 * the item) and final provider failures, tallied by cause for the user with
 * what to do about each.
 */
import { adviceFor, classifyError, type ErrorKind } from '../../errorAdvice.js';
import type { ProviderError } from '../provider.js';

/** A call (or an item) given up because the run was stopped or aborted: it has no result, and --resume runs it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled: the run was stopped');
    this.name = 'Cancelled';
  }
}

/** What a call is for: an item's answer, or an llm-judge verdict. */
export type CallPurpose = 'item' | 'judge';

/** Calls that failed for good, grouped by what went wrong: what the CLI shows, with advice. */
export interface ErrorGroup {
  purpose: CallPurpose;
  kind: ErrorKind;
  /** The first message of the group (credentials already redacted). */
  message: string;
  count: number;
  provider: string;
  model: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  profile?: string | undefined;
}

/** Counts final failures by kind and message (numbers and quoted names masked, so one cause is one group). */
export class ErrorTally {
  private readonly groups = new Map<string, ErrorGroup>();

  add(e: ProviderError, purpose: CallPurpose, where: { provider: string; model: string; region?: string | undefined; endpoint?: string | undefined; profile?: string | undefined }): void {
    const kind = classifyError(e.code, e.status, e.message);
    const shape = e.message.replace(/ \(gave up after \d+ attempts\)$/, '').replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
    const key = `${purpose}\u0000${where.provider}\u0000${where.model}\u0000${kind}\u0000${shape}`;
    const g = this.groups.get(key);
    if (g) g.count++;
    else this.groups.set(key, { purpose, kind, message: e.message, count: 1, ...where });
  }

  /** Most frequent first. */
  top(n = Infinity): ErrorGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count).slice(0, n);
  }

  get size(): number {
    return this.groups.size;
  }
}

/**
 * Lines for the user about calls that failed for good: the most frequent
 * causes with their counts and what to do (credentials, region, endpoint,
 * model access …), e.g.
 *   "30× bedrock us.amazon.nova-lite-v1:0: CredentialsProviderError: Could not load credentials from any providers"
 *   "  what to do: no AWS credentials found: set --profile, or …"
 */
export function errorGroupLines(groups: readonly ErrorGroup[], max = 3): string[] {
  const lines: string[] = [];
  for (const g of groups.slice(0, max)) {
    const who = `${g.purpose === 'judge' ? 'llm-judge on ' : ''}${g.provider} ${g.model}`;
    lines.push(`  ${g.count}× ${who}: ${g.message}`);
    const advice = adviceFor(g.kind, { service: g.provider === 'bedrock' || g.provider === 'openai' || g.provider === 'replay' ? g.provider : 'openai', profile: g.profile, region: g.region, endpoint: g.endpoint, model: g.model });
    if (advice) lines.push(`    what to do: ${advice}`);
  }
  const rest = groups.slice(max).reduce((n, g) => n + g.count, 0);
  if (rest) lines.push(`  … and ${rest} more failure(s) of ${groups.length - max} other kind(s)`);
  return lines;
}
