/**
 * Terminal tables and prose that fit a width: the one place every renderer
 * lays out text for a terminal. Cells are made terminal-safe here (control
 * characters shown as escapes), model IDs are shortened the same way
 * everywhere, prose is wrapped at word boundaries and never cut. Pure: the
 * width comes from the caller (the CLI reads $COLUMNS or the terminal).
 */
import stringWidth from 'string-width';
import { termSafe } from './escape.js';

/** Width used when there is no terminal and no $COLUMNS (output piped to a file or a pager). */
export const DEFAULT_WIDTH = 100;
/** Narrowest width tokor lays out for; below it tables may overflow. */
const MIN_WIDTH = 40;

/**
 * The width to fit: $COLUMNS when it is a number, else the terminal's width,
 * else DEFAULT_WIDTH; never below MIN_WIDTH.
 */
export function resolveWidth(columnsEnv: string | undefined, ttyColumns: number | undefined): number {
  const env = columnsEnv !== undefined && /^\s*\d+\s*$/.test(columnsEnv) ? Number(columnsEnv) : undefined;
  const w = env && env > 0 ? env : ttyColumns && ttyColumns > 0 ? ttyColumns : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, w);
}

/** Display width in terminal columns (wide CJK and emoji count 2). */
function displayWidth(s: string): number {
  return stringWidth(s);
}

// ---------------------------------------------------------------- prose

/** Splits a word wider than `width` into pieces of at most `width` columns (a path or URL is broken, never cut). */
function breakWord(word: string, width: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (piece && displayWidth(piece + ch) > width) {
      out.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) out.push(piece);
  return out;
}

/**
 * Word-wraps prose to `width` columns; continuation lines start with `hanging`
 * (the first line keeps its own leading spaces). Words longer than a line are
 * broken, so nothing is ever cut. Existing line breaks are kept.
 */
export function wrapText(text: string, width: number, hanging = '  '): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const lead = /^ */.exec(para)![0];
    const indent = lead + hanging;
    // Split on single spaces: a run of spaces inside a line (aligned labels) is kept.
    const words = para.slice(lead.length).split(' ');
    let line = lead;
    let empty = true;
    for (const word of words) {
      if (word === '' && empty) continue;
      const prefix = empty ? line : `${line} `;
      if (displayWidth(prefix + word) <= width) {
        line = prefix + word;
        empty = false;
        continue;
      }
      // A word that fits a line of its own starts one; a longer one (a path, a URL) fills this line first.
      const fitsFresh = displayWidth(indent + word) <= width;
      if (!empty && (fitsFresh || width - displayWidth(prefix) < 8)) {
        out.push(line);
        line = indent;
        empty = true;
      } else if (!empty) {
        line = prefix;
      }
      let rest = word;
      while (displayWidth(line + rest) > width) {
        const room = Math.max(1, width - displayWidth(line));
        let [piece] = breakWord(rest, room);
        // At a list's comma or a path's slash when there is one in the latter half of the room, not mid-name.
        const at = Math.max(piece!.lastIndexOf(','), piece!.lastIndexOf('/'));
        if (at >= room / 2 && at < piece!.length - 1) piece = piece!.slice(0, at + 1);
        out.push(line + piece!);
        rest = rest.slice(piece!.length);
        line = indent;
      }
      line += rest;
      empty = false;
    }
    out.push(line);
  }
  return out;
}

// ---------------------------------------------------------------- model IDs

const GEO = /^(us-gov|us|eu|apac|jp|au|ca|global)\./;
const VENDOR = /^(amazon|anthropic|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|twelvelabs|stability|google|nvidia|minimax|moonshotai|moonshot|luma|zai)\./;
const ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):\d*:([a-z-]+)\/(.+)$/i;

/**
 * Ever shorter forms of a model ID, keeping what tells models apart: the
 * cross-Region prefix (us., eu., …), the family and its version. Dropped in
 * turn: the version suffix (-v1:0), the vendor (anthropic.), the date stamp
 * (-20250929). An ARN keeps its Region and resource ID.
 */
export function modelIdForms(id: string): string[] {
  const forms = [id];
  const add = (s: string) => {
    if (s && s !== forms[forms.length - 1]) forms.push(s);
  };
  const arn = ARN.exec(id);
  if (arn) {
    const [, region, resource, rest] = arn;
    const short = resource === 'foundation-model' || resource === 'inference-profile' ? modelIdForms(rest!) : [rest!];
    for (const f of short) add(`${region ? `${region}:` : ''}${f}`);
    return forms;
  }
  const geo = GEO.exec(id)?.[0] ?? '';
  let body = id.slice(geo.length);
  body = body.replace(/(-v\d+(:\d+)?|:\d+)$/, '');
  add(geo + body);
  body = body.replace(VENDOR, '');
  add(geo + body);
  body = body.replace(/-(20\d{6})(?=$|[-:])/, '');
  add(geo + body);
  return forms;
}

/** Middle ellipsis to `max` columns, keeping the start (prefix, family) and the end (version). */
function ellipsize(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  if (max <= 1) return '…';
  const chars = [...s];
  let head = Math.ceil((max - 1) / 2);
  let tail = max - 1 - head;
  let out = `${chars.slice(0, head).join('')}…${tail ? chars.slice(chars.length - tail).join('') : ''}`;
  while (displayWidth(out) > max && (head > 0 || tail > 0)) {
    if (head >= tail) head--;
    else tail--;
    out = `${chars.slice(0, head).join('')}…${tail ? chars.slice(chars.length - tail).join('') : ''}`;
  }
  return out;
}

/**
 * Shortens a column of model IDs to `max` columns: the whole column takes the
 * longest level of modelIdForms at which every ID fits, except where two
 * different IDs would read the same (those keep a longer form); an ID still
 * too long gets a middle ellipsis.
 */
export function shortenModelIds(ids: readonly string[], max: number): string[] {
  const forms = ids.map(modelIdForms);
  // One level for the whole column (the first at which every ID fits), so that like IDs read alike.
  const depth = Math.max(1, ...forms.map((f) => f.length));
  let common = depth - 1;
  for (let l = 0; l < depth; l++) {
    if (forms.every((f) => displayWidth(f[Math.min(l, f.length - 1)]!) <= max)) {
      common = l;
      break;
    }
  }
  const level = forms.map(() => common);
  const pick = () => forms.map((f, i) => f[Math.min(level[i]!, f.length - 1)]!);
  // Back off (towards the longer form) where two different IDs collide.
  for (let round = 0; round < 8; round++) {
    const shown = pick();
    const owner = new Map<string, string>();
    let clash = false;
    shown.forEach((s, i) => {
      const prev = owner.get(s);
      if (prev !== undefined && prev !== ids[i]) clash = true;
      else owner.set(s, ids[i]!);
    });
    if (!clash) break;
    const groups = new Map<string, number[]>();
    shown.forEach((s, i) => {
      groups.set(s, [...(groups.get(s) ?? []), i]);
    });
    for (const idx of groups.values()) {
      if (new Set(idx.map((i) => ids[i])).size > 1) for (const i of idx) level[i] = Math.max(0, level[i]! - 1);
    }
  }
  return pick().map((s) => ellipsize(s, max));
}

// ---------------------------------------------------------------- tables

/** How a column gives way when the table is wider than the terminal. */
type ColumnFit =
  /** Numbers, dates, codes: never shortened. */
  | 'fixed'
  /** Model IDs: shortened with shortenModelIds. */
  | 'model'
  /** Prose: word-wrapped inside the cell, never cut. */
  | 'wrap'
  /** Names (teams, keys): middle ellipsis. */
  | 'ellipsis';

export interface Column {
  head: string;
  align?: 'left' | 'right';
  fit?: ColumnFit;
  /** Narrowest width the column may be shrunk to (default 12; wrap 16). */
  min?: number;
  /**
   * A column that may be left out when even the narrowest layout does not fit;
   * lower numbers go first. The table then says which columns it left out.
   */
  drop?: number;
}

/** A cell: text (one line) or several lines. */
export type Cell = string | number | readonly string[];

export interface TableOptions {
  width: number;
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Prefix of every line (counted in the width). */
  indent?: string;
  /**
   * The report's names for its model IDs (nameModels): a model column shows
   * these instead of shortening its own IDs, so that every table of a report
   * names a model alike. A column with an ID the map lacks is shortened on its own.
   */
  modelNames?: ReadonlyMap<string, string>;
}

function cellLines(c: Cell): string[] {
  if (Array.isArray(c)) return (c as readonly string[]).map((l) => termSafe(l));
  return [termSafe(String(c))];
}

function colMin(c: Column): number {
  return c.min ?? (c.fit === 'wrap' ? 16 : 12);
}

interface Layout {
  body: string[][][];
  heads: string[];
  /** The columns shown, in order. */
  keep: number[];
  /** Heads of the columns left out. */
  omitted: string[];
  widths: Map<number, number>;
  natural: (i: number) => number;
  headMin: (i: number) => number;
}

/** Which columns a table keeps at `opts.width` and how wide each is, before its cells are shortened or wrapped. */
function layoutTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: TableOptions): Layout {
  const gap = opts.gap ?? 2;
  const indent = opts.indent ?? '';
  const body = rows.map((r) => columns.map((_, i) => cellLines(r[i] ?? '')));
  const heads = columns.map((c) => termSafe(c.head));
  let keep = columns.map((_, i) => i);
  const omitted: string[] = [];
  const valuesWidth = columns.map((_, i) => Math.max(0, ...body.map((r) => Math.max(0, ...r[i]!.map(displayWidth)))));
  const headMin = (i: number) => Math.max(...heads[i]!.split(' ').map(displayWidth));
  const natural = (i: number) => Math.max(displayWidth(heads[i]!), valuesWidth[i]!);
  // Headers wrap at spaces first; fixed columns never go below their widest value.
  // A model column keeps room for its shortest readable forms (up to 28 columns) before it ellipsizes.
  const shortestForms = columns.map((c, i) => (c.fit === 'model' ? Math.max(0, ...body.map((r) => displayWidth(modelIdForms(r[i]!.join(' ')).at(-1)!))) : 0));
  const minOf = (i: number) => {
    const c = columns[i]!;
    if ((c.fit ?? 'fixed') === 'fixed') return Math.max(valuesWidth[i]!, headMin(i));
    const floor = c.fit === 'model' ? Math.min(28, Math.max(colMin(c), shortestForms[i]!)) : colMin(c);
    return Math.min(natural(i), Math.max(floor, headMin(i)));
  };
  const avail = () => opts.width - displayWidth(indent) - gap * (keep.length - 1);
  while (keep.reduce((s, i) => s + minOf(i), 0) > avail()) {
    const droppable = keep.filter((i) => columns[i]!.drop !== undefined).sort((a, b) => columns[a]!.drop! - columns[b]!.drop! || b - a);
    if (droppable.length === 0) break;
    omitted.unshift(columns[droppable[0]!]!.head);
    keep = keep.filter((i) => i !== droppable[0]);
  }
  const widths = new Map(keep.map((i) => [i, natural(i)]));
  let over = keep.reduce((s, i) => s + widths.get(i)!, 0) - avail();
  // Shrink the widest flexible column first, down to its minimum; past that (a very narrow terminal), down to a hard floor.
  const hardMin = (i: number) => ((columns[i]!.fit ?? 'fixed') === 'fixed' ? minOf(i) : Math.min(minOf(i), Math.max(6, headMin(i))));
  for (const floor of [minOf, hardMin]) {
    while (over > 0) {
      const shrinkable = keep.filter((i) => widths.get(i)! > floor(i));
      if (shrinkable.length === 0) break;
      const widest = shrinkable.reduce((a, b) => (widths.get(b)! > widths.get(a)! ? b : a));
      widths.set(widest, widths.get(widest)! - 1);
      over--;
    }
  }
  return { body, heads, keep, omitted, widths, natural, headMin };
}

/**
 * The narrowest width any of these tables gives its model column at
 * `opts.width` (undefined when none has one): the width at which a report
 * names its models once for all its tables (nameModels).
 */
export function modelColumnWidth(tables: readonly { columns: readonly Column[]; rows: readonly (readonly Cell[])[] }[], opts: TableOptions): number | undefined {
  let min: number | undefined;
  for (const t of tables) {
    const { keep, widths } = layoutTable(t.columns, t.rows, opts);
    for (const i of keep) if (t.columns[i]!.fit === 'model') min = Math.min(min ?? Infinity, widths.get(i)!);
  }
  return min;
}

/**
 * One name per distinct model ID of a report, at most `max` columns wide:
 * shortenModelIds over the whole set, so that the name does not depend on
 * which table, or which rows of it, show the ID, and two IDs do not share one
 * (unless `max` is below their shortest forms, where a middle ellipsis may
 * hide what tells them apart).
 */
export function nameModels(ids: Iterable<string>, max: number): Map<string, string> {
  const distinct = [...new Set(ids)].sort();
  const short = shortenModelIds(distinct, max);
  return new Map(distinct.map((id, i) => [id, short[i]!]));
}

/**
 * A borderless table (a rule under the header) that fits `width`: columns
 * shrink, widest first, down to their minimum (model IDs shortened, prose
 * wrapped, names ellipsized); then droppable columns are left out and named
 * under the table. Lines carry no trailing spaces.
 */
export function fitTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: TableOptions): string {
  const gap = opts.gap ?? 2;
  const indent = opts.indent ?? '';
  const { body, heads, keep, omitted, widths, natural, headMin } = layoutTable(columns, rows, opts);

  // Lay out each kept column at its width.
  const laid = body.map((r) => keep.map((i) => r[i]!));
  keep.forEach((col, k) => {
    const w = widths.get(col)!;
    const fit = columns[col]!.fit ?? 'fixed';
    if (fit === 'model') {
      const flat = laid.map((r) => r[k]!.join(' '));
      const names = opts.modelNames;
      const short = names && flat.every((id) => names.has(id)) ? flat.map((id) => ellipsize(names.get(id)!, w)) : shortenModelIds(flat, w);
      laid.forEach((r, j) => {
        r[k] = [short[j]!];
      });
    } else if (fit === 'wrap') {
      laid.forEach((r) => {
        r[k] = r[k]!.flatMap((l) => wrapText(l, w, ''));
      });
    } else if (fit === 'ellipsis') {
      laid.forEach((r) => {
        r[k] = r[k]!.map((l) => ellipsize(l, w));
      });
    }
  });
  // Shortened columns may now need less than they were given: hand the slack to prose columns.
  let slack = 0;
  keep.forEach((col, k) => {
    const fit = columns[col]!.fit ?? 'fixed';
    if (fit !== 'model' && fit !== 'ellipsis') return;
    const used = Math.max(Math.min(displayWidth(heads[col]!), widths.get(col)!), headMin(col), ...laid.map((r) => Math.max(0, ...r[k]!.map(displayWidth))));
    if (used < widths.get(col)!) {
      slack += widths.get(col)! - used;
      widths.set(col, used);
    }
  });
  const prose = keep.map((col, k) => ({ col, k })).filter(({ col }) => columns[col]!.fit === 'wrap');
  if (slack > 0 && prose.length) {
    prose.forEach(({ col, k }, n) => {
      const extra = Math.floor(slack / (prose.length - n));
      const grown = Math.min(widths.get(col)! + extra, natural(col));
      slack -= grown - widths.get(col)!;
      widths.set(col, grown);
      laid.forEach((r, j) => {
        r[k] = body[j]![col]!.flatMap((l) => wrapText(l, grown, ''));
      });
    });
  }
  const headCells = keep.map((i) => (displayWidth(heads[i]!) <= widths.get(i)! ? [heads[i]!] : wrapText(heads[i]!, widths.get(i)!, '')));

  const aligns = keep.map((i) => columns[i]!.align ?? 'left');
  const pad = (text: string, w: number, k: number) => {
    const room = Math.max(0, w - displayWidth(text));
    return aligns[k] === 'right' ? ' '.repeat(room) + text : text + ' '.repeat(room);
  };
  const block = (cells: string[][]): string[] => {
    const height = Math.max(1, ...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, n) => `${indent}${cells.map((c, k) => pad(c[n] ?? '', widths.get(keep[k]!)!, k)).join(' '.repeat(gap))}`.replace(/\s+$/, ''));
  };
  const total = keep.reduce((s, i) => s + widths.get(i)!, 0) + gap * (keep.length - 1);
  const out = [...block(headCells), `${indent}${'─'.repeat(total)}`, ...laid.flatMap((r) => block(r))];
  if (omitted.length) out.push(...wrapText(`${indent}(left out at this width: ${omitted.join(', ')}; widen the terminal or use --format json)`, opts.width));
  return out.join('\n');
}
