/**
 * Task clusters: the template signature of a request, so that traffic can be
 * sampled per kind of task (tokor label), estimated per kind (analyze
 * --labels) and compared with a golden set (drift). Pure.
 *
 * A signature is what stays the same between two requests made from the same
 * prompt template: the system prompt and the first words of the prompt, with
 * numbers, IDs, e-mail addresses, URLs, quoted spans and code masked, plus the
 * app and team tags where the log has them. Free text further into the prompt
 * (the ticket, the document, the user's question) does not enter it.
 */
import { fnv1a } from './features.js';

/** How many masked words of the prompt's start name its template. */
const SIGNATURE_HEAD_WORDS = 8;
/** How much of the system prompt enters the signature (masked), in characters. */
const SYSTEM_CHARS = 2000;

export interface SignatureInput {
  prompt?: string;
  system?: string;
  /** requestMetadata / gateway tags: `app` and `team` (or `application`) enter the signature. */
  tags?: Readonly<Record<string, string>>;
}

export interface TaskSignature {
  /** Stable key: 8 hex digits of a hash over the readable parts. */
  key: string;
  /** A readable rendering: "app/team · system#abcd · first words …". */
  text: string;
}

const MASKS: [RegExp, string][] = [
  [/```[\s\S]*?(?:```|$)/g, ' <code> '],
  [/https?:\/\/\S+/gi, ' <url> '],
  // Starts only where a run of address characters starts: the same matches (a run's first character is its
  // leftmost start), without retrying every position of a long run (quadratic on a 900-character word).
  [/(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+/g, ' <email> '],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' <id> '],
  [/\b(?=[a-z]*\d)[a-z0-9_-]{8,}\b/gi, ' <id> '],
  [/"[^"\n]{0,400}"|“[^”\n]{0,400}”|'[^'\n]{2,400}'|`[^`\n]{0,400}`/g, ' <q> '],
  [/[-+]?\$?\d[\d,]*(?:\.\d+)?%?/g, ' <n> '],
];

/** Masks the parts of a text that vary between uses of one template, lower-cased, whitespace folded. */
export function maskVariable(text: string): string {
  let t = text.toLowerCase();
  for (const [re, ph] of MASKS) t = t.replace(re, ph);
  return t.replace(/\s+/g, ' ').trim();
}

/** The template signature of a request. */
export function taskSignature(input: SignatureInput): TaskSignature {
  const tags = input.tags ?? {};
  const app = tags.app ?? tags.application ?? '';
  const team = tags.team ?? '';
  const system = input.system ? maskVariable(input.system.slice(0, SYSTEM_CHARS)) : '';
  const head = maskVariable((input.prompt ?? '').slice(0, 600))
    .split(' ')
    .filter(Boolean)
    .slice(0, SIGNATURE_HEAD_WORDS)
    .join(' ');
  const systemKey = system ? fnv1a(system).toString(16).padStart(8, '0').slice(0, 4) : '';
  const key = fnv1a(`${app}\u0000${team}\u0000${system}\u0000${head}`).toString(16).padStart(8, '0');
  const parts = [app || team ? [app, team].filter(Boolean).join('/') : '', systemKey ? `system#${systemKey}` : '', head ? `${head} …` : '(no prompt text)'].filter(Boolean);
  return { key, text: parts.join(' · ') };
}
