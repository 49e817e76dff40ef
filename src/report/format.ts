/** Number and table formatting shared by the renderers. Pure. */
import Table from 'cli-table3';

export function usd(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const d = digits ?? (Math.abs(x) >= 100 ? 2 : Math.abs(x) >= 1 ? 2 : 4);
  const s = Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return `${x < 0 ? '−' : ''}$${s}`;
}

/** A fraction (0..1) as a percent. */
export function pctOf(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A value already in percent. */
export function pct(percent: number, digits = 1): string {
  return `${percent.toFixed(digits)}%`;
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** 12_345_678 → "12.3M". */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return int(n);
}

export function ci(lo: number, hi: number, digits = 1): string {
  return `${(lo * 100).toFixed(digits)}–${(hi * 100).toFixed(digits)}%`;
}

/** Shortens a string in the middle to `max` characters. */
export function ellipsize(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (max - 1 - head))}`;
}

/** A borderless cli-table3 table rendered to a string; right-aligns columns listed in `right`. */
export function table(head: string[], rows: (string | number)[][], right: number[] = []): string {
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '─', 'mid-mid': '─', right: '', 'right-mid': '', middle: '' },
    colAligns: head.map((_, i) => (right.includes(i) ? 'right' : 'left')),
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** Caps rows and says how many were hidden. */
export function capRows<T>(rows: T[], max: number): { shown: T[]; hidden: number } {
  return rows.length > max ? { shown: rows.slice(0, max), hidden: rows.length - max } : { shown: rows, hidden: 0 };
}

/** Markdown table. Cells are escaped for pipes and newlines. */
export function mdTable(head: string[], rows: (string | number)[][], right: number[] = []): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${head.map(esc).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** RFC 4180 CSV. */
export function csv(rows: (string | number | null | undefined)[][]): string {
  return rows
    .map((r) =>
      r
        .map((c) => {
          const s = c === null || c === undefined ? '' : String(c);
          return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(','),
    )
    .join('\n');
}

/** Word-wraps one line of prose to `width` columns, continuation lines indented by `indent`. */
export function wrap(text: string, width = 100, indent = '  '): string {
  const lead = /^ */.exec(text)![0];
  const words = text.slice(lead.length).split(' ');
  const lines: string[] = [];
  let line = lead;
  indent = lead + indent;
  for (const w of words) {
    if (line.trim() && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else line = line.trim() ? `${line} ${w}` : line + w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
