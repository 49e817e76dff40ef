/**
 * Log format detection per file, from a sample of its first lines (up to
 * FORMAT_SAMPLE_RECORDS parseable records) and its name. `--log-format` skips this.
 */
import { UsageError } from '../errors.js';
import { isObject } from './fields.js';
import { LOG_FORMATS, LOG_FORMAT_NAMES, type LogFormatName } from './formats/index.js';
import { JSON_FORMATS, bestKind, jsonStart, type JsonLineFormat } from './parseJsonLine.js';

/** How many parseable records decide a file's format. */
export const FORMAT_SAMPLE_RECORDS = 50;
/** Lines looked at, at most, to find them. */
const SAMPLE_LINES = 1000;

/** Checks a user-given format name (e.g. `--log-format`). */
export function checkLogFormat(name: string): LogFormatName {
  if ((LOG_FORMAT_NAMES as readonly string[]).includes(name)) return name as LogFormatName;
  throw new UsageError(`unknown log format "${name}": use one of ${LOG_FORMAT_NAMES.join(', ')}`);
}

function baseExtension(fileName: string): string {
  let lower = fileName.toLowerCase();
  if (lower.endsWith('.gz')) lower = lower.slice(0, -3);
  const dot = lower.lastIndexOf('.');
  const slash = Math.max(lower.lastIndexOf('/'), lower.lastIndexOf('\\'));
  return dot > slash ? lower.slice(dot) : '';
}

/** Records of each format among the sampled ones (bedrock and openai always present; others when voted for). */
export type FormatVotes = { bedrock: number; openai: number } & Partial<Record<JsonLineFormat, number>>;

/** What the sample of a file says. */
export interface FormatGuess {
  format: LogFormatName;
  votes: FormatVotes;
  /** The sample holds records of more than one format: each record is read by its own keys. */
  mixed: boolean;
  /** One JSON value over many lines (a pretty-printed export): read whole, not line by line. */
  document?: true;
  /** JSON whose objects no format claims: read by their own keys, each skip says what it looks like. */
  unknown?: true;
}

/** A sampled line without BOM, CloudWatch timestamp prefix and surrounding blanks. */
function clean(raw: string): string {
  let t = raw.trim();
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1).trimStart();
  return t.slice(jsonStart(t));
}

/** Telltale keys of a record cut short (a sample that ends mid-line, a truncated first line, a document). */
const TELLTALES: [string, JsonLineFormat][] = [
  ['"logEvents"', 'cloudwatch'],
  ['"@message"', 'cloudwatch'],
  ['"ingestionTime"', 'cloudwatch'],
  ['"modelId"', 'bedrock'],
  ['"ModelInvocationLog"', 'bedrock'],
  ['"prompt_tokens"', 'openai'],
  ['"choices"', 'openai'],
  ['"messages"', 'openai'],
  ['"model"', 'openai'],
];

function telltale(t: string): JsonLineFormat | undefined {
  for (const [key, f] of TELLTALES) if (t.includes(key) && Object.hasOwn(LOG_FORMATS, f)) return f;
  return undefined;
}

function vote(into: FormatVotes, f: JsonLineFormat): void {
  into[f] = (into[f] ?? 0) + 1;
}

function top(v: FormatVotes): JsonLineFormat | undefined {
  let best: JsonLineFormat | undefined;
  let n = 0;
  for (const f of JSON_FORMATS) {
    const c = v[f] ?? 0;
    if (c > n) {
      n = c;
      best = f;
    }
  }
  return best;
}

/**
 * The format of a log from the first lines of its text and its name: each
 * sampled JSON value votes for the format whose `detect` scores it highest
 * (an array votes by its elements), over up to FORMAT_SAMPLE_RECORDS parseable
 * records, so one truncated or odd first line does not decide; lines that do
 * not parse vote by telltale keys only when nothing parsed. A file whose first
 * line is an unfinished JSON value (a pretty-printed export) is a document. A
 * first line that is not JSON and has commas (or a .csv name) → csv. Falls
 * back on bedrock, the primary format.
 */
export function guessFormat(sample: string, fileName: string): FormatGuess {
  const s = new FormatSample(fileName);
  s.add(sample, true);
  return s.guess(() => sample);
}

/**
 * guessFormat fed as the text arrives: whole lines at a time, each line read once, so a reader can stop reading
 * for it as soon as the sample is full (`full`), often well before the end of the text it would sample.
 */
export class FormatSample {
  private readonly votes: FormatVotes = { bedrock: 0, openai: 0 };
  private readonly weak: FormatVotes = { bedrock: 0, openai: 0 };
  private first: string | undefined;
  private firstParsed = false;
  private objects = 0;
  private others = 0;
  private parsed = 0;
  private failed = 0;
  private unclaimed = 0;
  private lines = 0;

  constructor(private readonly fileName: string) {}

  /** Whether the sample holds all the lines it reads: more text would not change the guess. */
  get full(): boolean {
    return this.lines >= SAMPLE_LINES || this.parsed >= FORMAT_SAMPLE_RECORDS;
  }

  /**
   * Reads the lines of `text`, the sample's next part: whole lines (it ends at a line's end) unless `last`, when
   * what follows its last newline is a line too (the sample's end may cut one).
   */
  add(text: string, last = false): void {
    this.readLines(text.length, last, (from) => text.indexOf('\n', from), (from, to) => text.slice(from, to));
  }

  /**
   * The same over UTF-8 bytes, each line decoded on its own and only as the sample reads it: a log's ASCII lines
   * then make one-byte strings, which decode and parse several times faster than their part of one string of the
   * whole text does whenever any line of it is not ASCII. (A line ends at a newline byte, which no UTF-8 sequence
   * holds: its text is the same either way.)
   */
  addBytes(bytes: Buffer, last = false): void {
    this.readLines(bytes.length, last, (from) => bytes.indexOf(10, from), (from, to) => bytes.toString('utf8', from, to));
  }

  /** Reads lines of a text or its bytes until the sample is full: `newline` finds the next line's end, `text` gives a line. */
  private readLines(length: number, last: boolean, newline: (from: number) => number, text: (from: number, to: number) => string): void {
    let start = 0;
    const end = last ? length : length - 1;
    while (!this.full && start <= end) {
      let nl = newline(start);
      if (nl < 0) nl = length;
      this.line(clean(text(start, nl)));
      start = nl + 1;
    }
  }

  private line(t: string): void {
    this.lines++;
    if (t === '') return;
    const isFirst = this.first === undefined;
    this.first ??= t;
    if (!t.startsWith('{') && !t.startsWith('[')) {
      this.others++;
      return;
    }
    this.objects++;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      this.failed++;
      const k = telltale(t);
      if (k) vote(this.weak, k);
      return;
    }
    if (isFirst) this.firstParsed = true;
    const items = Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
    if (items.length > 0) this.parsed++;
    for (const obj of items.slice(0, FORMAT_SAMPLE_RECORDS)) {
      const k = bestKind(obj);
      if (k) vote(this.votes, k.format);
      else this.unclaimed++;
    }
  }

  private get json(): boolean {
    const first = this.first;
    return first !== undefined && (first.startsWith('{') || first.startsWith('[') || this.objects > this.others);
  }

  /** Whether the lines read make the file a pretty-printed document (its first line is not a whole value). */
  get document(): boolean {
    const first = this.first;
    return this.json && !this.firstParsed && (first === '{' || first === '[' || this.parsed * 2 <= this.failed);
  }

  /**
   * The guess from the lines read. `sample` is the whole sample's text (the full SAMPLE_BYTES of it, however few
   * lines were read), asked for only when the file is a document, whose format its whole value may decide.
   */
  guess(sample: () => string): FormatGuess {
    const { votes, weak, first } = this;
    const ext = baseExtension(this.fileName);
    const voted = JSON_FORMATS.filter((f) => (votes[f] ?? 0) > 0);
    const mixed = voted.length > 1;
    if (this.json) {
      if (this.document) return { format: documentFormat(sample()), votes, mixed: false, document: true };
      const v = voted.length > 0 ? votes : weak;
      const format = top(v) ?? 'bedrock';
      const guess: FormatGuess = { format, votes, mixed };
      // A format whose records span lines (streamed snapshots) is read whole.
      if (!mixed && voted.length > 0 && LOG_FORMATS[format].readWhole !== undefined) guess.document = true;
      if (voted.length === 0 && this.unclaimed > 0) guess.unknown = true;
      return guess;
    }
    if (ext === '.csv') return { format: 'csv', votes, mixed: false };
    if (first !== undefined && !first.startsWith('[') && first.includes(',') && ext !== '.json' && ext !== '.jsonl') return { format: 'csv', votes, mixed: false };
    return { format: 'bedrock', votes, mixed: false };
  }
}

/** The format of a document: its whole value when the sample holds it, else its telltale keys. */
function documentFormat(sample: string): LogFormatName {
  try {
    const value: unknown = JSON.parse(sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample);
    const first = Array.isArray(value) ? value.find(isObject) : value;
    if (isObject(first)) return bestKind(first)?.format ?? 'bedrock';
  } catch {
    /* the sample is the head of a larger document */
  }
  return telltale(sample) ?? 'bedrock';
}

/** The format of a log from a sample of its first line(s) and its name (see guessFormat). */
export function detectFormat(sample: string, fileName: string): LogFormatName {
  return guessFormat(sample, fileName).format;
}

/** The file-level note for a sample that mixes formats. */
export function describeMixed(file: string, votes: FormatVotes): string {
  const voted = JSON_FORMATS.filter((f) => (votes[f] ?? 0) > 0);
  if (voted.length === 2 && votes.bedrock > 0 && votes.openai > 0) {
    return `${file} mixes Bedrock (${votes.bedrock}) and OpenAI-style (${votes.openai}) records in its first lines: each line is read in its own format`;
  }
  return `${file} mixes ${voted.map((f) => `${f} (${votes[f]})`).join(', ')} records in its first lines: each line is read in its own format`;
}

/** Whether a file is read whole: a multi-line document, or a format whose records span lines (forced or detected). */
export function readsWhole(format: LogFormatName, guess: FormatGuess): boolean {
  return guess.document === true || (format !== 'csv' && LOG_FORMATS[format].readWhole !== undefined);
}
