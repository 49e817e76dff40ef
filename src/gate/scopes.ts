/**
 * Which golden items belong to which scope, and what allowedTiers does to
 * routing. Pure.
 *
 * allowedTiers is a tier substitution the router applies at every step of its
 * pattern: a disallowed tier is served by the next allowed tier up the ladder
 * (the frontier is always allowed, see the config schema). For the sequential
 * patterns (cascade, confidence), an escalation to a tier whose substitute was
 * already called reuses that answer and costs nothing more. The gate simulates
 * exactly that by rewriting each item's per-tier outcomes before applyPolicy.
 */
import { matchesScope } from '../config/schema.js';
import { patternSpec } from '../calibrate/patterns/index.js';
import type { ItemOutcomes, ResultsTable } from '../calibrate/results.js';

/** What a golden item carries beyond its outcomes, for scope matching. */
export interface ItemContext {
  dataset?: string;
  tags?: readonly string[];
}

/**
 * The values an item has for a match key: `category`, `task` and `dataset`
 * from the item; `tag` its bare tags; any other key K from tags written
 * "K:value" or "K=value" (so `team: payments` matches the tag "team:payments").
 */
function itemAttributes(item: ItemOutcomes, ctx: ItemContext = {}): (key: string) => string[] {
  return (key) => {
    if (key === 'category') return item.category ? [item.category] : [];
    if (key === 'task') return item.task ? [item.task] : [];
    if (key === 'dataset') return ctx.dataset ? [ctx.dataset] : [];
    const tags = ctx.tags ?? [];
    if (key === 'tag' || key === 'tags') return [...tags];
    const out: string[] = [];
    for (const t of tags) {
      const m = /^([^:=]+)[:=](.*)$/.exec(t);
      if (m && m[1]!.trim() === key) out.push(m[2]!.trim());
    }
    return out;
  };
}

/** Indexes of the items a scope's match selects. */
export function selectItems(table: ResultsTable, match: Record<string, string | string[]>, context?: (itemId: string) => ItemContext | undefined): number[] {
  const out: number[] = [];
  table.items.forEach((item, i) => {
    if (matchesScope(match, itemAttributes(item, context?.(item.itemId)))) out.push(i);
  });
  return out;
}

/**
 * For each tier index, the index of the tier that serves it under `allowed`:
 * itself when allowed, else the next allowed tier up. Throws when a tier has
 * no allowed tier at or above it (the schema requires the frontier to be allowed).
 */
export function substituteTiers(tiers: readonly string[], allowed: ReadonlySet<string>): number[] {
  return tiers.map((_, i) => {
    for (let j = i; j < tiers.length; j++) if (allowed.has(tiers[j]!)) return j;
    throw new RangeError(`no allowed tier at or above "${tiers[i]}" (allowed: ${[...allowed].join(', ')})`);
  });
}

/** Whether a pattern touches tiers one after another (cost = every tier touched). */
function isSequential(pattern: string): boolean {
  return patternSpec(pattern).sequential;
}

/**
 * The table as the router sees it once allowedTiers apply: for each item with
 * a constraint, every disallowed tier's outcome is the substitute's. Items in
 * several scopes keep only the tiers all of them allow. Unconstrained items
 * are returned as they are (same object). `substitutions` records, per
 * rewritten item, which tier serves each slot.
 */
export function restrictTiers(table: ResultsTable, allowedByItem: ReadonlyMap<number, ReadonlySet<string>>, pattern: string): RestrictedTable {
  const substitutions = new Map<string, number[]>();
  if (allowedByItem.size === 0) return { ...table, substitutions };
  const sequential = isSequential(pattern);
  const items = table.items.map((item, i) => {
    const allowed = allowedByItem.get(i);
    if (!allowed) return item;
    const sub = substituteTiers(table.tiers, allowed);
    if (sub.some((s, t) => s !== t)) substitutions.set(item.itemId, sub);
    const byTier: ItemOutcomes['byTier'] = {};
    table.tiers.forEach((tier, t) => {
      const source = item.byTier[table.tiers[sub[t]!]!];
      if (!source) return;
      // Sequential patterns reuse the answer already bought one step down (no cost; no wait, when the wait is known).
      const reused = sequential && t > 0 && sub[t] === sub[t - 1];
      byTier[tier] = reused ? { ...source, costUsd: 0, ...(source.latencyMs !== undefined ? { latencyMs: 0 } : {}) } : source;
    });
    return { ...item, byTier };
  });
  return { ...table, items, substitutions };
}

/** A table after allowedTiers: which tier index serves each slot, per rewritten item ID. */
export interface RestrictedTable extends ResultsTable {
  substitutions: Map<string, number[]>;
}

/**
 * Tier shares by the tier that actually serves each item: a route's slot
 * mapped through the item's substitution (e.g. the cheap slot of a scope
 * that allows only mid and frontier counts for mid).
 */
export function servedShares(tiers: readonly string[], items: readonly { itemId: string }[], route: ArrayLike<number>, substitutions: ReadonlyMap<string, number[]>): Record<string, number> {
  const counts = new Array<number>(tiers.length).fill(0);
  items.forEach((item, i) => {
    const slot = route[i]!;
    counts[substitutions.get(item.itemId)?.[slot] ?? slot]!++;
  });
  const n = Math.max(1, items.length);
  return Object.fromEntries(tiers.map((t, j) => [t, counts[j]! / n]));
}

/** Intersects the allowed tiers of every constrained scope per item. */
export function allowedTiersByItem(table: ResultsTable, scopes: { allowedTiers?: readonly string[]; members: readonly number[] }[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const s of scopes) {
    if (!s.allowedTiers) continue;
    for (const i of s.members) {
      const prev = out.get(i);
      out.set(i, new Set(prev ? s.allowedTiers.filter((t) => prev.has(t)) : s.allowedTiers));
    }
  }
  // The frontier is allowed in every scope, so an intersection is never empty;
  // keep it explicit for tables whose last tier a scope forgot.
  const frontier = table.tiers[table.tiers.length - 1];
  if (frontier) for (const set of out.values()) set.add(frontier);
  return out;
}

/** The same table reduced to some items. */
export function subTable(table: ResultsTable, members: readonly number[]): ResultsTable {
  return { ...table, items: members.map((i) => table.items[i]!) };
}
