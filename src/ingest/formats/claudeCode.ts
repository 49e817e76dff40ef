/**
 * Claude Code session transcripts: `~/.claude/projects/<project>/<session>.jsonl`
 * (and `<session>/subagents/agent-<id>.jsonl`), one JSON object per line:
 * user and assistant turns, summaries, file-history snapshots. Each API call
 * is an assistant line with `message.model`, `message.usage` (Anthropic
 * Messages usage: `input_tokens` is uncached input; cache reads and writes
 * apart; `cache_creation.ephemeral_{5m,1h}_input_tokens` split the writes by
 * TTL), `requestId`, `sessionId`, `cwd`, `timestamp`.
 *
 * Claude Code writes one response several times while it streams (one line per
 * content block, same `message.id` and `requestId`): the input and cache
 * counts repeat and `output_tokens` grows. A transcript is therefore read
 * whole and each response counted once, with its largest output count (the
 * final snapshot). Lines that are not API calls (user turns, summaries,
 * `<synthetic>` messages Claude Code writes itself) are not records.
 *
 * Grouping keys (tags): session (sessionId), project (cwd), agent (agentId of
 * a subagent transcript), git_branch; the model is a built-in dimension.
 */
import type { SourceLocation, TrafficEvent, TrafficRecord } from '../../types.js';
import { RecordError, capText, checkTokens, contentText, isObject, normalizeTimestamp, newTags, str, type JsonObject } from '../fields.js';
import { anthropicUsage } from '../parseOpenAIRecord.js';
import type { EmitEvent, LogFormat } from './types.js';

const LINE_TYPES = new Set(['user', 'assistant', 'summary', 'system', 'file-history-snapshot', 'attachment', 'progress']);

/** Whether a parsed line is a Claude Code transcript line. */
function isTranscriptLine(obj: JsonObject): boolean {
  if (typeof obj.type !== 'string' || !LINE_TYPES.has(obj.type)) return false;
  return typeof obj.sessionId === 'string' || typeof obj.uuid === 'string' || typeof obj.leafUuid === 'string' || obj.type === 'file-history-snapshot';
}

/** One assistant line → its record; undefined for a line that is no API call. Throws RecordError for an unusable one. */
function claudeCodeRecord(obj: JsonObject, loc: SourceLocation): TrafficRecord | undefined {
  if (obj.type !== 'assistant' || !isObject(obj.message)) return undefined;
  const m = obj.message;
  const usage = isObject(m.usage) ? m.usage : undefined;
  const model = str(m.model);
  if (model === undefined || model === '<synthetic>' || usage === undefined) return undefined;
  const record: TrafficRecord = {
    source: loc,
    modelId: model,
    tags: newTags(),
    ...anthropicUsage(usage, 'message.usage', model),
  };
  const id = str(obj.requestId) ?? str(m.id);
  if (id !== undefined) record.requestId = id;
  record.operation = 'claude-code';
  const ts = normalizeTimestamp(obj.timestamp);
  if (ts !== undefined) record.timestamp = ts;
  else record.problems = [obj.timestamp === undefined ? 'timestamp missing' : 'timestamp unparseable'];
  const tags = record.tags;
  const session = str(obj.sessionId);
  if (session !== undefined) tags.session = session;
  const cwd = str(obj.cwd);
  if (cwd !== undefined) tags.project = cwd;
  const agent = str(obj.agentId);
  if (agent !== undefined) tags.agent = agent;
  // A subagent has a conversation (and a cache prefix) of its own within the session.
  if (session !== undefined) record.sessionId = agent === undefined ? session : `${session}/${agent}`;
  if (obj.isSidechain === true) tags.sidechain = 'true';
  const branch = str(obj.gitBranch);
  if (branch !== undefined) tags.git_branch = branch;
  const tier = str(usage.service_tier);
  if (tier === 'batch') record.batch = true;
  else if (tier === 'priority') record.serviceTier = tier;
  const text = contentText(m.content);
  if (text !== undefined) record.outputText = capText(text)!;
  if (obj.isApiErrorMessage === true) record.errorCode = 'api_error';
  return record;
}

/** The key that ties the streamed snapshots of one response together. */
function responseKey(obj: JsonObject): string | undefined {
  const m = isObject(obj.message) ? obj.message : undefined;
  const id = str(m?.id);
  return id === undefined ? undefined : `${id}\u0000${str(obj.requestId) ?? ''}`;
}

/**
 * A transcript → one record per response (the snapshot with the most output
 * tokens, at the position of its first line). Lines that are no API call give
 * nothing; lines that do not parse or do not add up are skips with their line.
 */
function readTranscript(text: string, file: string, emit: EmitEvent): void {
  type Slot = { ev: TrafficEvent };
  const out: Slot[] = [];
  const byKey = new Map<string, Slot>();
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const raw = text.slice(start, nl);
    start = nl + 1;
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const loc = { file, line: lineNo };
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      out.push({ ev: { kind: 'skipped', skipped: { source: loc, reason: `malformed JSON: ${(e as Error).message}`.slice(0, 200) } } });
      continue;
    }
    if (!isObject(obj)) continue;
    let record: TrafficRecord | undefined;
    try {
      record = claudeCodeRecord(obj, loc);
      if (record !== undefined) checkTokens(record.tokens);
    } catch (e) {
      out.push({ ev: { kind: 'skipped', skipped: { source: loc, reason: e instanceof RecordError ? e.reason : `unusable record: ${(e as Error).message}` } } });
      continue;
    }
    if (record === undefined) continue;
    const key = responseKey(obj);
    const seen = key === undefined ? undefined : byKey.get(key);
    if (seen === undefined) {
      const slot: Slot = { ev: { kind: 'record', record } };
      out.push(slot);
      if (key !== undefined) byKey.set(key, slot);
    } else if (seen.ev.kind === 'record' && record.tokens.output >= seen.ev.record.tokens.output) {
      // A later snapshot of the same response: its output count is the final one.
      seen.ev = { kind: 'record', record };
    }
  }
  for (const s of out) emit(s.ev);
}

export const claudeCode: LogFormat = {
  title: 'Claude Code session transcripts (~/.claude/projects/**/*.jsonl, subagents included)',
  inputTokens: 'excludes-cache',
  inputField: 'message.usage.input_tokens',
  detect: (obj) => (isTranscriptLine(obj) ? 3 : 0),
  parse(obj, loc) {
    if (!isTranscriptLine(obj)) throw new RecordError('not a Claude Code transcript line (no type and sessionId)');
    const r = claudeCodeRecord(obj, loc);
    return r === undefined ? [] : r;
  },
  readWhole: readTranscript,
};
