/**
 * The one definition of analyze's push-down, generated for each engine's
 * dialect (DuckDB, Athena/Trino). Over a relation of raw log lines
 * `(file, pos, line)` it extracts per Bedrock invocation record what tokor
 * needs — model ID, Region and inference Region, operation, tokens with cache
 * reads and writes and the 1-hour share of the writes, error code, day,
 * identity ARN, the --group-by keys of requestMetadata, request ID — and:
 *
 * - `aggregate`: exact integer token totals per (model, Region, day, group
 *   keys, error code, batch, cache-write TTL), duplicates (same request ID,
 *   model and tokens) dropped and counted;
 * - `lines`: a stratified sample of whole records (at most `perStratum` per
 *   stratum, in the order of a hash of the line) for labeling, and every line
 *   the SQL does not read the way tokor's parser does ("complex": not JSON,
 *   a missing or non-integer count, a body held as a string, a cacheDetails
 *   split in a body, a timestamp that is not plain ISO-8601 UTC, a non-string
 *   tag …), which tokor parses itself. So the report is the in-process
 *   reader's, whatever the SQL leaves out. Streamed responses (a body logged
 *   as an array of chunks) are read with the parser's chunk rules
 *   (streamedUsage).
 *
 * Money never comes from the engine: tokor prices the token totals.
 */
import { type SqlDialect, ident, lit } from './dialect.js';

/** The built-in --group-by dimensions that are not requestMetadata tags. */
const BUILT_IN = new Set(['model', 'day', 'region', 'role']);

/** Tag names the SQL can address as a JSON path in both dialects. */
const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface AggregationSpec {
  /** The analyze --group-by dimensions. */
  groupBy: string[];
  /** Records kept per stratum for labeling. */
  perStratum: number;
  seed: number;
  /** The catalog's prompt bounds (src/pricing/promptBounds.ts): each record's prompt and window classes are columns of the grouping. */
  promptBounds: readonly number[];
}

/** The requestMetadata tags among the --group-by dimensions; throws for a name no JSON path can hold. */
export function tagDimensions(groupBy: string[]): string[] {
  const tags = groupBy.filter((d) => !BUILT_IN.has(d));
  for (const t of tags) if (!TAG_NAME.test(t)) throw new Error(`--group-by ${t}: a tag name of letters, digits and _ is needed to push the grouping down to SQL`);
  return [...new Set(tags)];
}

const INT = '^[0-9]{1,15}$';

/**
 * How the SQL reads a count's JSON text as the parser does: `isInt`, a plain integer; `int`, its value (NULL
 * for anything else); `okCount`, absent, null or a plain integer (anything else is left to tokor).
 */
function counts(d: SqlDialect): { isInt: (e: string) => string; int: (e: string) => string; okCount: (e: string) => string } {
  const isInt = (e: string) => `COALESCE(${d.matches(e, INT)}, false)`;
  return {
    isInt,
    int: (e) => `CASE WHEN ${isInt(e)} THEN CAST(${e} AS BIGINT) END`,
    okCount: (e) => `(${e} IS NULL OR ${e} = 'null' OR ${isInt(e)})`,
  };
}
const TS = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{3})?Z$';

/** The count fields of a usage object, per token kind in the order the parser's readUsageObject takes them. */
const USAGE_COUNTS = {
  input: ['inputTokens', 'input_tokens', 'prompt_tokens'],
  output: ['outputTokens', 'output_tokens', 'completion_tokens'],
  cacheRead: ['cacheReadInputTokens', 'cacheReadInputTokenCount', 'cache_read_input_tokens'],
  cacheWrite: ['cacheWriteInputTokens', 'cacheWriteInputTokenCount', 'cache_creation_input_tokens'],
  write1h: ['cache_creation.ephemeral_1h_input_tokens'],
  write5m: ['cache_creation.ephemeral_5m_input_tokens'],
};
const METRIC_COUNTS = ['inputTokenCount', 'outputTokenCount', 'cacheReadInputTokenCount', 'cacheWriteInputTokenCount'];

/** What each chunk of a streamed response tells, by position in its facts (1-based, as SQL lists are). */
const FACT = { input: 1, usageOutput: 2, cacheRead: 3, cacheWrite: 4, write1h: 5, write5m: 6, deltaOutput: 7, titanOutput: 8, llamaOutput: 9, metricsInput: 10, metricsOutput: 11, metricsCacheRead: 12, metricsCacheWrite: 13, ok: 14 };

/**
 * The usage of a streamed response (InvokeModelWithResponseStream, its body logged as an array of chunks), read
 * as the parser's bodyUsage reads it. Each chunk is parsed once (`facts`, over `chunks`, a list of the chunks'
 * JSON values): first into the JSON text of the values the SQL reads, led by the one branch the parser takes
 * for the chunk (S: a `message_start` with a message usage object, else D: a `message_delta` with a usage
 * object, else M: a `metadata.usage` object — Converse stream, Nova —, else O: Titan's and Llama's counts),
 * then into its facts. Then, over the record's list of facts (`sf`): the first input, usage output, cache reads
 * and writes and TTL split (`??=`: the first chunk giving one wins), the last `message_delta` output (it
 * overrides), the last Titan output, the greatest Llama output, and the last chunk's invocation metrics, which
 * override each count they hold (a metrics object without a count is -1 here: it overrides nothing). `ok` is false
 * when a chunk holds a count the SQL cannot read exactly (not a plain integer: the parser may throw, or read a
 * string) or a `cacheDetails` in a usage object: tokor parses such a line itself.
 */
function streamedUsage(d: SqlDialect, chunks: string, typed = false): { facts: string; tin: string; tout: string; tcr: string; tcw: string; h1: string; m5: string; ok: string } {
  const metrics = `$${d.key('amazon-bedrock-invocationMetrics')}`;
  const paths: string[] = [];
  const index = (p: string): number => {
    let i = paths.indexOf(p);
    if (i < 0) i = paths.push(p) - 1;
    return i + 1;
  };
  const json = (p: string) => `ce[${index(p)}]`;
  const isType = (t: string) => `${d.kind(json('$.type'))} = '"' AND ${d.text(json('$.type'))} = ${lit(t)}`;
  const branch = `CASE WHEN ${isType('message_start')} AND ${d.kind(json('$.message.usage'))} = '{' THEN 'S'
      WHEN ${isType('message_delta')} AND ${d.kind(json('$.usage'))} = '{' THEN 'D'
      WHEN ${d.kind(json('$.metadata.usage'))} = '{' THEN 'M' ELSE 'O' END`;
  // Over a chunk's texts (cr): its branch first, then the JSON text of each path.
  const raw = (p: string) => `cr[${index(p) + 1}]`;
  const kind = (e: string) => `CASE WHEN ${e} IS NULL THEN NULL WHEN substr(${e}, 1, 1) IN ('{', '[', '"', 'n') THEN substr(${e}, 1, 1) ELSE '0' END`;
  const { int } = counts(d);
  const usage = `(cr[1] = 'S' OR cr[1] = 'M')`;
  // A field of the usage object the parser reads in this chunk (message_start's or metadata's).
  const usageRaw = (f: string) => `CASE cr[1] WHEN 'S' THEN ${raw(`$.message.usage.${f}`)} WHEN 'M' THEN ${raw(`$.metadata.usage.${f}`)} END`;
  const usageCount = (k: keyof typeof USAGE_COUNTS) => `COALESCE(${USAGE_COUNTS[k].map((f) => int(usageRaw(f))).join(', ')})`;
  const split = `(${kind(usageRaw('cache_creation'))} = '{' AND (${usageCount('write1h')} IS NOT NULL OR ${usageCount('write5m')} IS NOT NULL))`;
  const metric = (f: string) => `CASE WHEN ${kind(raw(metrics))} = '{' THEN COALESCE(${int(raw(`${metrics}.${f}`))}, -1) END`;
  const titanLlama = ['inputTextTokenCount', 'prompt_token_count', 'totalOutputTextTokenCount', 'generation_token_count'];
  const allCounts = [
    ...Object.values(USAGE_COUNTS).flat().flatMap((f) => [`$.message.usage.${f}`, `$.metadata.usage.${f}`]),
    '$.usage.output_tokens',
    ...titanLlama.map((f) => `$.${f}`),
    ...METRIC_COUNTS.map((f) => `${metrics}.${f}`),
  ];
  const facts: string[] = [];
  facts[FACT.input] = `CASE WHEN ${usage} THEN ${usageCount('input')} WHEN cr[1] = 'O' THEN COALESCE(${int(raw('$.inputTextTokenCount'))}, ${int(raw('$.prompt_token_count'))}) END`;
  facts[FACT.usageOutput] = `CASE WHEN ${usage} THEN ${usageCount('output')} END`;
  facts[FACT.cacheRead] = `CASE WHEN ${usage} THEN ${usageCount('cacheRead')} END`;
  facts[FACT.cacheWrite] = `CASE WHEN ${usage} THEN ${usageCount('cacheWrite')} END`;
  facts[FACT.write1h] = `CASE WHEN ${usage} AND ${split} THEN COALESCE(${usageCount('write1h')}, 0) END`;
  facts[FACT.write5m] = `CASE WHEN ${usage} AND ${split} THEN COALESCE(${usageCount('write5m')}, 0) END`;
  facts[FACT.deltaOutput] = `CASE WHEN cr[1] = 'D' THEN ${int(raw('$.usage.output_tokens'))} END`;
  facts[FACT.titanOutput] = `CASE WHEN cr[1] = 'O' THEN ${int(raw('$.totalOutputTextTokenCount'))} END`;
  facts[FACT.llamaOutput] = `CASE WHEN cr[1] = 'O' THEN ${int(raw('$.generation_token_count'))} END`;
  facts[FACT.metricsInput] = metric('inputTokenCount');
  facts[FACT.metricsOutput] = metric('outputTokenCount');
  facts[FACT.metricsCacheRead] = metric('cacheReadInputTokenCount');
  facts[FACT.metricsCacheWrite] = metric('cacheWriteInputTokenCount');
  // Every count at once: the JSON texts of those present, comma-separated (concat_ws skips the absent), each
  // `null` or a plain integer. No such text holds a comma, nor does any other without a bracket or a quote, which
  // the pattern refuses: its items are the counts' texts. (One pattern per chunk, not one per count.)
  const plainCounts = d.matches(`concat_ws(',', ${allCounts.map(raw).join(', ')})`, '^((null|[0-9]{1,15})(,(null|[0-9]{1,15}))*)?$');
  facts[FACT.ok] = `CASE WHEN ${plainCounts} AND ${raw('$.message.usage.cacheDetails')} IS NULL AND ${raw('$.metadata.usage.cacheDetails')} IS NULL THEN 1 ELSE 0 END`;
  const perChunk = `ARRAY[${facts.slice(1).map((f) => `CAST(${f} AS BIGINT)`).join(', ')}]`;
  // Every path is registered by now (branch, then facts): each chunk is parsed once, then read as text.
  const texts = `ARRAY[${branch}, ${paths.map((_, i) => d.raw(`ce[${i + 1}]`)).join(', ')}]`;
  // Only a chunk whose text names a count (every count key holds "oken") or the metrics can tell anything; the
  // others (the text deltas, most of a stream) are left out before parsing. Both engines give a chunk's keys
  // unescaped; one with an escape \u… is kept all the same.
  const telling = (t: string) => `strpos(${t}, 'oken') > 0 OR strpos(${t}, 'invocationMetrics') > 0 OR strpos(${t}, '\\u') > 0`;
  const told = d.filter(chunks, 'ck', telling(d.raw('ck')));
  const factsExpr = typed ? typedChunkFacts(told) : d.map(d.map(d.map(told, 'ck', d.extractAll('ck', paths)), 'ce', texts), 'cr', perChunk);
  const col = (i: number) => d.filter(d.map('sf', 'cf', `cf[${i}]`), 'cy', 'cy IS NOT NULL');
  const first = (i: number) => d.first(col(i));
  const last = (i: number) => d.last(col(i));
  const overriding = (i: number) => `NULLIF(${last(i)}, -1)`;
  // Only a streamed record's (sf) are worked out: on the others every one is NULL, and each lambda costs per row.
  const streamed = (e: string) => `CASE WHEN sf IS NOT NULL THEN ${e} END`;
  return {
    facts: factsExpr,
    tin: streamed(`COALESCE(${overriding(FACT.metricsInput)}, ${first(FACT.input)})`),
    tout: streamed(`COALESCE(${overriding(FACT.metricsOutput)}, ${last(FACT.deltaOutput)}, ${first(FACT.usageOutput)}, ${last(FACT.titanOutput)}, ${d.max(col(FACT.llamaOutput))})`),
    tcr: streamed(`COALESCE(${overriding(FACT.metricsCacheRead)}, ${first(FACT.cacheRead)})`),
    tcw: streamed(`COALESCE(${overriding(FACT.metricsCacheWrite)}, ${first(FACT.cacheWrite)})`),
    h1: streamed(first(FACT.write1h)),
    m5: streamed(first(FACT.write5m)),
    ok: `COALESCE(sf IS NOT NULL AND NOT contains(${d.map('sf', 'cf', `cf[${FACT.ok}]`)}, CAST(0 AS BIGINT)), false)`,
  };
}

/** A usage object as the typed facts read it: every count the parser reads in one, and the TTL split. */
const USAGE_STRUCT = `STRUCT(${[...USAGE_COUNTS.input, ...USAGE_COUNTS.output, ...USAGE_COUNTS.cacheRead, ...USAGE_COUNTS.cacheWrite].map((f) => `${ident(f)} UBIGINT`).join(', ')}, cache_creation STRUCT(ephemeral_1h_input_tokens UBIGINT, ephemeral_5m_input_tokens UBIGINT))`;
/** A chunk as the typed facts parse it: the objects whose kind decides a branch or a value kept as JSON. */
const CHUNK_STRUCT = `STRUCT(type VARCHAR, message STRUCT(usage JSON), usage JSON, metadata STRUCT(usage JSON), ${ident('amazon-bedrock-invocationMetrics')} JSON, inputTextTokenCount UBIGINT, prompt_token_count UBIGINT, totalOutputTextTokenCount UBIGINT, generation_token_count UBIGINT)`;

/**
 * streamedUsage's facts for DuckDB's staging pass, with small lambdas instead of one large one. DuckDB builds a
 * lambda's expression again for each vector of rows, about 25 µs per node of it: the JSON facts cost 3–4 ms per
 * vector, most of the staging pass on a tree of small gzip objects, whose vectors hold one object's lines
 * (docs/scale.md). Each told chunk is parsed once, typed (counts UBIGINT, the type as text, each object whose
 * kind decides a branch or a value as JSON, its kind its first character), with its text kept; then its branch;
 * then its usage object, message_delta usage and metrics typed; then its facts. They are the JSON facts wherever
 * `ok` holds, which asks of the chunk's text that every key ending in okens, okenCount or oken_count (every count
 * key does; within a string a quote is escaped) hold null or a plain integer of at most 15 digits, and that no key
 * be cacheDetails: then every count the facts read is such an integer, which the typed read gives exactly (a cache
 * TTL split needs one of its counts, which only an object holds). A chunk that fails is not ok, and tokor parses
 * its line itself, as with the JSON facts, which fail fewer (only the counts and cacheDetails they read).
 */
function typedChunkFacts(told: string): string {
  const isObject = (json: string) => `COALESCE(ascii(${json}) = 123, false)`;
  const metrics = `c.${ident('amazon-bedrock-invocationMetrics')}`;
  const parsed = `list_transform(${told}, ck -> struct_insert(TRY_CAST(ck AS ${CHUNK_STRUCT}), t := CAST(ck AS VARCHAR)))`;
  // The branch the parser takes for the chunk (S, D, M or O, as in streamedUsage).
  const branched = `list_transform(${parsed}, c -> struct_insert(c, b := CASE WHEN c.type = 'message_start' AND ${isObject('c.message.usage')} THEN 'S' WHEN c.type = 'message_delta' AND ${isObject('c.usage')} THEN 'D' WHEN ${isObject('c.metadata.usage')} THEN 'M' ELSE 'O' END))`;
  // Its usage object (S or M), a message_delta's output, and Bedrock's metrics (when an object), typed.
  const used = `list_transform(${branched}, c -> struct_insert(c,
    u := TRY_CAST(CASE c.b WHEN 'S' THEN c.message.usage WHEN 'M' THEN c.metadata.usage END AS ${USAGE_STRUCT}),
    dout := CASE WHEN c.b = 'D' THEN TRY_CAST(c.usage AS STRUCT(output_tokens UBIGINT)).output_tokens END,
    m := CASE WHEN ${isObject(metrics)} THEN TRY_CAST(${metrics} AS STRUCT(${METRIC_COUNTS.map((f) => `${f} UBIGINT`).join(', ')})) END))`;
  const countsOf = (fields: string[]) => `COALESCE(${fields.map((f) => `c.u.${ident(f)}`).join(', ')})`;
  const e1h = 'c.u.cache_creation.ephemeral_1h_input_tokens';
  const e5m = 'c.u.cache_creation.ephemeral_5m_input_tokens';
  const split = `(${e1h} IS NOT NULL OR ${e5m} IS NOT NULL)`;
  const metric = (f: string) => `CASE WHEN c.m IS NOT NULL THEN COALESCE(c.m.${f}, -1) END`;
  const plain = `NOT regexp_matches(c.t, ${lit('(okens|okenCount|oken_count)":(n[^u]|[^n0-9]|[0-9]{16}|[0-9]+[.eE])')}) AND NOT contains(c.t, '"cacheDetails":')`;
  const facts: string[] = [];
  facts[FACT.input] = `CASE WHEN c.u IS NOT NULL THEN ${countsOf(USAGE_COUNTS.input)} WHEN c.b = 'O' THEN COALESCE(c.inputTextTokenCount, c.prompt_token_count) END`;
  facts[FACT.usageOutput] = countsOf(USAGE_COUNTS.output);
  facts[FACT.cacheRead] = countsOf(USAGE_COUNTS.cacheRead);
  facts[FACT.cacheWrite] = countsOf(USAGE_COUNTS.cacheWrite);
  facts[FACT.write1h] = `CASE WHEN ${split} THEN COALESCE(${e1h}, 0) END`;
  facts[FACT.write5m] = `CASE WHEN ${split} THEN COALESCE(${e5m}, 0) END`;
  facts[FACT.deltaOutput] = 'c.dout';
  facts[FACT.titanOutput] = `CASE WHEN c.b = 'O' THEN c.totalOutputTextTokenCount END`;
  facts[FACT.llamaOutput] = `CASE WHEN c.b = 'O' THEN c.generation_token_count END`;
  facts[FACT.metricsInput] = metric('inputTokenCount');
  facts[FACT.metricsOutput] = metric('outputTokenCount');
  facts[FACT.metricsCacheRead] = metric('cacheReadInputTokenCount');
  facts[FACT.metricsCacheWrite] = metric('cacheWriteInputTokenCount');
  facts[FACT.ok] = `CASE WHEN ${plain} THEN 1 ELSE 0 END`;
  return `list_transform(${used}, c -> ARRAY[${facts.slice(1).map((f) => `CAST(${f} AS BIGINT)`).join(', ')}])`;
}

/**
 * The records relation: one row per line of `source` (a SELECT giving file,
 * pos, line), with the extracted fields and `plain` (the SQL reads it as
 * tokor's parser, src/ingest/parseBedrockRecord.ts, does).
 */
function recordsCte(d: SqlDialect, source: string, tags: string[], bounds: readonly number[], typed = false): string {
  const paths: string[] = [];
  const at = (p: string): string => {
    let i = paths.indexOf(p);
    if (i < 0) i = paths.push(p) - 1;
    return typed ? `x${i + 1}` : `v[${i + 1}]`;
  };
  const raw = (p: string) => d.raw(at(p));
  const kind = (p: string) => d.kind(at(p));
  // A string field as the parser's str reads it ('' is absent); a tag keeps '' (copyTags: a tag written empty).
  const text = (p: string) => `CASE WHEN ${kind(p)} = '"' THEN ${d.text(at(p))} END`;
  const str = (p: string) => `NULLIF(${text(p)}, '')`;
  const { int, okCount } = counts(d);
  const count = (p: string) => int(raw(p));
  const body = '$.output.outputBodyJson';
  const usage = `${body}.usage`;
  const metrics = `${body}${d.key('amazon-bedrock-invocationMetrics')}`;
  // The body's usage, in the order the parser takes it (bodyUsage / readUsageObject / readMetrics): Bedrock's metrics win.
  const fill = {
    tin: [`${metrics}.inputTokenCount`, `${usage}.inputTokens`, `${usage}.input_tokens`, `${usage}.prompt_tokens`, `${body}.inputTextTokenCount`, `${body}.prompt_token_count`],
    tout: [`${metrics}.outputTokenCount`, `${usage}.outputTokens`, `${usage}.output_tokens`, `${usage}.completion_tokens`, `${body}.results[0].tokenCount`, `${body}.generation_token_count`],
    tcr: [`${metrics}.cacheReadInputTokenCount`, `${usage}.cacheReadInputTokens`, `${usage}.cacheReadInputTokenCount`, `${usage}.cache_read_input_tokens`],
    tcw: [`${metrics}.cacheWriteInputTokenCount`, `${usage}.cacheWriteInputTokens`, `${usage}.cacheWriteInputTokenCount`, `${usage}.cache_creation_input_tokens`],
  };
  const e1h = `${usage}.cache_creation.ephemeral_1h_input_tokens`;
  const e5m = `${usage}.cache_creation.ephemeral_5m_input_tokens`;
  const bodyCounts = [...fill.tin, ...fill.tout, ...fill.tcr, ...fill.tcw, e1h, e5m];
  const usageOk = bodyCounts.map((p) => okCount(raw(p))).join(' AND ');
  // Typed, a streamed body comes as its list of chunks (chunks_v) unless it went the exact way.
  const stream = streamedUsage(d, typed ? `CASE WHEN chunks_v IS NOT NULL THEN chunks_v ELSE ${d.items('body_v')} END` : d.items('body_v'), typed);
  const bodyFill = (k: keyof typeof fill) => `CASE WHEN consult THEN COALESCE(${fill[k].map(count).join(', ')}) END`;
  const tagCols = tags.map((t, i) => `${text(`$.requestMetadata.${t}`)} AS ${ident(`tag${i}`)}, ${kind(`$.requestMetadata.${t}`)} AS ${ident(`tagk${i}`)}`);
  const tagOk = tags.map((_, i) => `(${ident(`tagk${i}`)} IS NULL OR ${ident(`tagk${i}`)} <> '0')`);
  const fields = `SELECT ${typed ? '*' : 'file, pos, line, v, v IS NOT NULL AS json_ok'},
    ${str('$.modelId')} AS model,
    ${str('$.region')} AS source_region,
    ${str('$.inferenceRegion')} AS inference_region,
    ${str('$.operation')} AS op,
    COALESCE(${raw('$.batch')} = 'true' OR lower(${str('$.inferenceType')}) = 'batch' OR lower(${str('$.serviceTier')}) = 'batch' OR lower(${str('$.invocationType')}) = 'batch', false) AS batch_fields,
    ${str('$.errorCode')} AS err,
    ${str('$.requestId')} AS rid,
    ${str('$.identity.arn')} AS arn,
    CASE WHEN ${kind('$.timestamp')} = '"' THEN ${d.text(at('$.timestamp'))} END AS ts_text,
    ${raw('$.input.inputTokenCount')} AS tin_r,
    ${raw('$.output.outputTokenCount')} AS tout_r,
    ${raw('$.input.cacheReadInputTokenCount')} AS tcr_r,
    ${raw('$.input.cacheWriteInputTokenCount')} AS tcw_r,
    ${kind('$.input.cacheDetails')} AS cd_k,
    ${kind(body)} AS body_k,
    ${at(body)} AS body_v,
    ${kind(usage)} AS usage_k,
    ${kind(`${usage}.cacheDetails`)} AS ucd_k,
    ${kind(`${usage}.cache_creation`)} AS ucc_k,
    COALESCE(${str(`${body}.serviceTier.type`)}, ${str('$.input.inputBodyJson.serviceTier.type')}, ${str('$.serviceTier')}) AS tier_named${tagCols.length ? `,\n    ${tagCols.join(',\n    ')}` : ''}
  FROM extracted`;
  for (const p of bodyCounts) at(p);
  // Every path is registered by now: the record is parsed once, into v (or, typed, into columns x1, x2 …).
  return `${typed ? typedExtraction(d, source, paths, body) : `parsed AS (
  SELECT file, pos, line, ${d.parse('line')} AS j FROM (${source}) src
),
extracted AS (
  SELECT file, pos, line, CASE WHEN j IS NOT NULL THEN ${d.extractAll('j', paths)} END AS v FROM parsed
)`},
fields AS (
  ${fields}
),
typed AS (
  SELECT *,
    COALESCE(batch_fields OR lower(op) LIKE '%batch%' OR lower(op) LIKE '%invocationjob%', false) AS batch,
    ${okCount('tin_r')} AND ${okCount('tout_r')} AND ${okCount('tcr_r')} AND ${okCount('tcw_r')} AS counts_ok,
    ${int('tin_r')} AS tin0, ${int('tout_r')} AS tout0, ${int('tcr_r')} AS tcr0, ${int('tcw_r')} AS tcw0,
    COALESCE(${d.matches('ts_text', TS)} AND TRY_CAST(substr(ts_text, 1, 10) AS DATE) IS NOT NULL, false) AS ts_ok
  FROM fields
),
consulted AS (
  SELECT *,
    -- the parser reads the response body's usage when a count is missing or cache writes carry no TTL split
    COALESCE(body_k IN ('{', '[', '"') AND (tin0 IS NULL OR tout0 IS NULL OR tcr0 IS NULL OR tcw0 IS NULL OR tcw0 <> 0), false) AS consult
  FROM typed
),
chunked AS (
  -- a streamed response's chunks, each parsed once into what it tells of the usage
  SELECT *, CASE WHEN consult AND body_k = '[' THEN ${stream.facts} END AS sf FROM consulted
),
streamed AS (
  SELECT *, ${stream.tin} AS s_tin, ${stream.tout} AS s_tout, ${stream.tcr} AS s_tcr, ${stream.tcw} AS s_tcw,
    ${stream.h1} AS s_h1, ${stream.m5} AS s_m5, ${stream.ok} AS s_ok
  FROM chunked
),
filled AS (
  SELECT *,
    COALESCE(tin0, CASE WHEN body_k = '[' THEN s_tin ELSE ${bodyFill('tin')} END) AS tin1,
    COALESCE(tout0, CASE WHEN body_k = '[' THEN s_tout ELSE ${bodyFill('tout')} END) AS tout1,
    COALESCE(tcr0, CASE WHEN body_k = '[' THEN s_tcr ELSE ${bodyFill('tcr')} END) AS tcr1,
    COALESCE(tcw0, CASE WHEN body_k = '[' THEN s_tcw ELSE ${bodyFill('tcw')} END) AS tcw1,
    CASE WHEN consult AND usage_k = '{' AND ucc_k = '{' THEN COALESCE(${count(e1h)}, 0) WHEN consult AND body_k = '[' THEN COALESCE(s_h1, 0) ELSE 0 END AS h1,
    CASE WHEN consult AND usage_k = '{' AND ucc_k = '{' THEN COALESCE(${count(e5m)}, 0) WHEN consult AND body_k = '[' THEN COALESCE(s_m5, 0) ELSE 0 END AS m5,
    -- a body whose counts the SQL cannot read as the parser does (a string, a malformed count, a cacheDetails split)
    (NOT consult OR (body_k = '{' AND (usage_k IS NULL OR usage_k <> '{' OR ucd_k IS NULL) AND ${usageOk}) OR (body_k = '[' AND s_ok)) AS body_ok
  FROM streamed
),
rec AS (
  SELECT file, pos, line, model, rid, arn, batch, err,
    COALESCE(source_region, inference_region, '') AS price_region,
    COALESCE(inference_region, source_region) AS group_region,
    CASE WHEN length(ts_text) = 20 THEN substr(ts_text, 1, 19) || '.000Z' ELSE ts_text END AS ts,
    substr(ts_text, 1, 10) AS day,
    COALESCE(tin1, 0) AS tin, COALESCE(tout1, 0) AS tout, COALESCE(tcr1, 0) AS tcr, tcw,
    CASE WHEN h1 > 0 AND h1 >= tcw THEN '1h' ELSE '5m' END AS ttl,
    CASE WHEN h1 > 0 AND h1 < tcw THEN h1 ELSE 0 END AS tcw1h,
    CASE WHEN h1 > tcw THEN 1 ELSE 0 END AS exceed,
    ${promptClass(bounds, 'COALESCE(tin1, 0) + COALESCE(tcr1, 0) + tcw')} AS pover,
    ${promptClass(bounds, 'COALESCE(tin1, 0) + COALESCE(tcr1, 0) + tcw + COALESCE(tout1, 0)')} AS wover,
    CASE WHEN NOT batch AND tier_named IN ('priority', 'flex') THEN tier_named ELSE 'standard' END AS svc,
    COALESCE(
      json_ok AND model IS NOT NULL AND ts_ok AND cd_k IS NULL AND counts_ok AND body_ok
      -- a service tier the parser reads as the SQL does: none, or a known one; and none in a body logged as a string
      AND (batch OR tier_named IS NULL OR tier_named IN ('default', 'priority', 'flex'))
      AND NOT contains(line, ${lit('\\"serviceTier')})
      ${tagOk.map((t) => `AND ${t}`).join(' ')}
      AND (err IS NOT NULL OR tin1 IS NOT NULL OR tout1 IS NOT NULL),
      false) AS plain,
    -- a line that parsed as JSON is not blank: trim (a copy of each line) only for the others
    CASE WHEN json_ok THEN true WHEN line IS NULL THEN false ELSE trim(line) <> '' END AS nonblank${tags.map((_, i) => `,\n    ${ident(`tag${i}`)}`).join('')}
  FROM (SELECT *, CASE WHEN tcw1 IS NULL AND h1 > 0 THEN h1 + m5 ELSE COALESCE(tcw1, 0) END AS tcw FROM filled) w
)`;
}

/**
 * A record's class over the prompt bounds (promptOverOf in src/pricing/promptBounds.ts): the largest bound `prompt`
 * is over, else 0. Of its prompt tokens, its prompt class; of its prompt and output tokens, its window class (windowOverOf).
 */
function promptClass(bounds: readonly number[], prompt: string): string {
  if (bounds.length === 0) return '0';
  const over = [...bounds].sort((a, b) => b - a).map((b) => `WHEN ${prompt} > ${Math.floor(b)} THEN ${Math.floor(b)}`);
  return `CASE ${over.join(' ')} ELSE 0 END`;
}

/** A JSON path of the SQL's (`$.a.b."c-d".e[0].f`) as its steps: keys, and list indexes as numbers. */
function pathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const m of path.slice(1).matchAll(/\.(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))|\[([0-9]+)\]/g)) steps.push(m[3] !== undefined ? Number(m[3]) : (m[1] ?? m[2])!);
  return steps;
}

interface PathNode {
  keys: Map<string, PathNode>;
  item?: PathNode;
  /** The extracted column (x1, x2 …) when the SQL reads this node's value. */
  column?: string;
}

/**
 * Keys whose being present with a null value decides what the parser does (a `null` cacheDetails is not an
 * absent one), which the typed reader cannot tell from absent: a line naming one goes the exact way.
 */
const PRESENCE_KEYS = ['cacheDetails'];

/**
 * DuckDB's typed reading of the same paths: `from_json` with a structure of only the keys the SQL reads
 * (DuckDB's vectorised JSON transform, each line parsed once and nothing else kept), JSON leaves so that
 * every value is the text `json_extract` gives. Where that transform cannot tell what the parser would see
 * (an object the SQL tests the kind of, whose leaves are all absent: an empty object and an array look
 * alike; a key whose presence counts), the line is `certain = false` and goes through the exact
 * `json_extract` of every path, as before; CASE evaluates that only on those lines.
 *
 * A line whose body (`streamBody`) may be an array (a streamed response: the body is there but none of its
 * keys read) is read once more, `from_json` with the body as a list of JSON values (`s`, NULL for a body that is
 * no array): then the body's paths are absent, the body's kind is '[' and its chunks are `chunks_v`, each the
 * text `json_extract` and a cast to JSON[] would give, without writing the body out as text and parsing it
 * again. The other paths' checks and the presence keys (only on those lines) apply as above; a line that fails
 * them goes the exact way.
 */
function typedExtraction(d: SqlDialect, source: string, paths: string[], streamBody: string): string {
  const root: PathNode = { keys: new Map() };
  for (const [i, p] of paths.entries()) {
    let node = root;
    for (const step of pathSteps(p)) {
      if (typeof step === 'number') {
        if (step !== 0) throw new Error(`typed extraction reads the first item of a list only: ${p}`);
        node = node.item ??= { keys: new Map() };
      } else {
        let next = node.keys.get(step);
        if (!next) node.keys.set(step, (next = { keys: new Map() }));
        node = next;
      }
    }
    node.column = `x${i + 1}`;
  }
  const isLeaf = (n: PathNode) => n.keys.size === 0 && !n.item;
  // at: a node's steps (."a"."b"[1]), read from a parsed line f as `${f}${at}`.
  const bodyAt = pathSteps(streamBody).map((s) => `.${ident(String(s))}`).join('');
  const inBody = (at: string) => at.startsWith(`${bodyAt}.`) || at.startsWith(`${bodyAt}[`);
  const structure = (n: PathNode, at: string, streamed: boolean): unknown =>
    streamed && at === bodyAt ? ['JSON'] : isLeaf(n) ? 'JSON' : n.item ? [structure(n.item, `${at}[1]`, streamed)] : Object.fromEntries([...n.keys].map(([k, c]) => [k, structure(c, `${at}.${ident(k)}`, streamed)]));
  const columns: string[] = [];
  const checks: { at: string; check: (f: string) => string }[] = [];
  // Returns the node's leaves (a leaf that is present proves its parents are objects).
  const walk = (n: PathNode, at: string): string[] => {
    if (isLeaf(n)) {
      if (n.column) columns.push(`CASE WHEN certain THEN f${at} WHEN streamed THEN ${inBody(at) ? 'NULL' : `s${at}`} ELSE v[${n.column.slice(1)}] END AS ${n.column}`);
      return [at];
    }
    const leaves = n.item ? walk(n.item, `${at}[1]`) : [...n.keys].flatMap(([k, c]) => walk(c, `${at}.${ident(k)}`));
    if (n.column) {
      // An object whose kind the SQL asks for: '{}' when one of its leaves is there, else not sure.
      checks.push({ at, check: (f) => `(${f}${at} IS NULL OR ${leaves.map((l) => `${f}${l} IS NOT NULL`).join(' OR ')})` });
      const object = (f: string) => `CASE WHEN ${f}${at} IS NOT NULL THEN '{}'::JSON END`;
      columns.push(`CASE WHEN certain THEN ${object('f')} WHEN streamed THEN ${at === bodyAt ? `'[]'::JSON` : inBody(at) ? 'NULL' : object('s')} ELSE v[${n.column.slice(1)}] END AS ${n.column}`);
    }
    return leaves;
  };
  walk(root, '');
  const presence = PRESENCE_KEYS.map((k) => `NOT contains(line, ${lit(`"${k}"`)})`);
  const bodyCheck = checks.find((c) => c.at === bodyAt)!.check('f');
  const outside = checks.filter((c) => c.at !== bodyAt && !inBody(c.at)).map((c) => c.check('s'));
  return `parsed AS (
  SELECT file, pos, line, TRY(from_json(line, ${lit(JSON.stringify(structure(root, '', false)))})) AS f FROM (${source}) src
),
checked AS (
  SELECT *, COALESCE(f IS NOT NULL AND ${[...presence, ...checks.map((c) => c.check('f'))].join(' AND ')}, false) AS certain FROM parsed
),
-- a body that is no object (an array: a streamed response) read again, as a list of chunks
restreamed AS (
  SELECT *, CASE WHEN NOT certain AND f IS NOT NULL AND NOT ${bodyCheck} THEN TRY(from_json(line, ${lit(JSON.stringify(structure(root, '', true)))})) END AS s FROM checked
),
rechecked AS (
  SELECT *, CASE WHEN s${bodyAt} IS NOT NULL THEN COALESCE(${[...presence, ...outside].join(' AND ')}, false) ELSE false END AS streamed FROM restreamed
),
exact AS (
  SELECT *, CASE WHEN NOT certain AND NOT streamed THEN ${d.extractAll(d.parse('line'), paths)} END AS v FROM rechecked
),
extracted AS (
  SELECT file, pos, line, CASE WHEN certain OR streamed THEN true ELSE v IS NOT NULL END AS json_ok,
    CASE WHEN streamed THEN s${bodyAt} END AS chunks_v,
    ${columns.join(',\n    ')}
  FROM exact
)`;
}

/**
 * Columns that make a stratum (and a group of the aggregate, with day and error code). The pushdown restates
 * them for its aggregate rows (engineStratum in src/analyze/pushdown.ts): change both together.
 */
function stratumColumns(tags: string[], groupBy: string[]): string[] {
  const cols = ['model', 'price_region', 'batch', 'ttl', 'pover', 'svc', 'wover'];
  if (groupBy.includes('day')) cols.push('day');
  if (groupBy.includes('region')) cols.push('group_region');
  if (groupBy.includes('role')) cols.push('arn');
  for (let i = 0; i < tags.length; i++) cols.push(ident(`tag${i}`));
  return cols;
}

/**
 * The aggregate over a relation of records (the `rec` CTE, or a table holding it). With `countConflicts`, also the
 * requests whose copies the aggregate cannot de-duplicate as the in-process reader does, which counts the first
 * copy (without line order which came first is unknown, so the engine refuses them), counted once each in the row
 * of one of their copies: `conflicting`, requests (ID, model, tokens) whose plain copies fall in more than one
 * deduplicated row (they differ in Region, day, tier, error, cache TTL or a --group-by value); `mixed`, request IDs
 * with a plain copy and a line tokor parses itself. Both are windows in the same read of the logs (for Athena,
 * where a second query, or a CTE read twice, would scan them again; DuckDB counts them from its staged table,
 * duplicateConflicts): `conflicting` over the deduplicated rows, `mixed` over every record keyed by request ID,
 * before the plain ones are kept.
 */
function aggregateQuery(keys: string[], rec: string, requestKey: string, countConflicts = false): string {
  // Duplicates: one group per (request ID, model, tokens) within each key; a record without an ID is never one.
  const copy = 'rk, model, tin, tout, tcr, tcw';
  // Plain copies first in each request ID's rows (a record without an ID, a blank line among them, is a partition
  // of its own): the first row marks the ID once, when it is plain and another row is not. One window
  // specification: one sort, of only the columns read after it (not the line). No filter before it: DuckDB would
  // push it below the extraction and parse each line twice (once for the filter).
  const byId = 'PARTITION BY rk ORDER BY plain DESC';
  const keyed = countConflicts
    ? `keyed AS (
  SELECT * FROM (
    SELECT *,
      CASE WHEN plain AND ROW_NUMBER() OVER (${byId}) = 1 AND bool_or(NOT plain) OVER (${byId} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) THEN 1 ELSE 0 END AS mixed
    FROM (SELECT ${keys.join(', ')}, tin, tout, tcr, tcw, tcw1h, exceed, ts, plain, ${requestKey} AS rk FROM ${rec}) n
  ) m
  WHERE plain
)`
    : `keyed AS (
  SELECT *, ${requestKey} AS rk FROM ${rec} WHERE plain
)`;
  return `${keyed},
deduped AS (
  SELECT ${keys.join(', ')}, tin, tout, tcr, tcw, tcw1h, exceed,
    COUNT(*) AS copies, MIN(ts) AS min_ts, MAX(ts) AS max_ts${
      countConflicts ? `,
    CASE WHEN COUNT(*) OVER (PARTITION BY ${copy}) > 1 AND ROW_NUMBER() OVER (PARTITION BY ${copy}) = 1 THEN 1 ELSE 0 END AS conflicting,
    SUM(mixed) AS mixed` : ''
    }
  FROM keyed
  GROUP BY ${keys.join(', ')}, rk, tin, tout, tcr, tcw, tcw1h, exceed
)
SELECT ${keys.join(', ')},
  COUNT(*) AS requests, SUM(copies - 1) AS duplicates,
  SUM(tin) AS tin, SUM(tout) AS tout, SUM(tcr) AS tcr, SUM(tcw) AS tcw, SUM(tcw1h) AS tcw1h, SUM(exceed) AS exceed,
  MIN(min_ts) AS min_ts, MAX(max_ts) AS max_ts${countConflicts ? ', SUM(conflicting) AS conflicting, SUM(mixed) AS mixed' : ''}
FROM deduped
GROUP BY ${keys.join(', ')}`;
}

function aggregateKeys(tags: string[], groupBy: string[]): string[] {
  return ['err', 'model', 'price_region', 'group_region', 'batch', 'ttl', 'pover', 'svc', 'wover', 'day', ...(groupBy.includes('role') ? ['arn'] : []), ...tags.map((_, i) => ident(`tag${i}`))];
}

/** Both queries over a source relation (a SELECT of file, pos, line). */
export function aggregationQueries(d: SqlDialect, source: string, spec: AggregationSpec): { aggregate: string; lines: string } {
  const tags = tagDimensions(spec.groupBy);
  const cte = recordsCte(d, source, tags, spec.promptBounds);
  const aggregate = `WITH ${cte},
${aggregateQuery(aggregateKeys(tags, spec.groupBy), 'rec', `COALESCE(rid, ${d.rowUnique})`, true)}`;
  const strata = stratumColumns(tags, spec.groupBy);
  // One pass: a sampled stratum per group of plain records (its lines with the `perStratum` smallest hashes,
  // a line logged twice counted twice), and each line tokor parses itself as a group of its own.
  const lines = `WITH ${cte},
picked AS (
  SELECT bool_or(plain) AS is_sample, MIN(file) AS file, MIN(pos) AS pos,
    min_by(line, ${sampleHash(d, 'line', spec.seed)}, ${sampledPerStratum(spec)}) AS sampled
  FROM rec
  WHERE nonblank AND NOT (plain AND err IS NOT NULL)
  GROUP BY plain, CASE WHEN plain THEN NULL ELSE ${d.rowUnique} END, ${strata.join(', ')}
)
SELECT CASE WHEN is_sample THEN 'sample' ELSE 'complex' END AS part,
  CASE WHEN is_sample THEN NULL ELSE file END AS file,
  CASE WHEN is_sample THEN NULL ELSE pos END AS pos,
  t.x AS line
FROM picked CROSS JOIN UNNEST(sampled) AS t(x)`;
  return { aggregate, lines };
}

function sampleHash(d: SqlDialect, line: string, seed: number): string {
  return d.hash(`${line} || ${lit(`#${seed}`)}`);
}

/** Lines the SQL samples per stratum (a stratum of no more lines, duplicates counted, is sampled whole). */
export function sampledPerStratum(spec: Pick<AggregationSpec, 'perStratum'>): number {
  return Math.max(1, Math.floor(spec.perStratum));
}

/** A record's ISO-8601 UTC timestamp as the text the parser normalises it to (`…T12:00:00.000Z`), from its TIMESTAMP. */
const TS_TEXT = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

/** What stagedQueries gives (see there). */
export interface StagedQueries {
  stage: string;
  aggregate: string;
  complexFiles: string;
  /** Counts of requests whose copies the aggregate cannot de-duplicate as tokor's reader does (`conflicting`, `mixed`). */
  duplicateConflicts: string;
  complexLines: (file: string) => string;
  numbered: (fileLines: string, file: string) => string;
  /** The sample's hashes, lines and bytes of text, from that table. */
  wantedTotals: string;
  /** The sampled lines, ordered by hash and text. */
  fetch: string;
  /**
   * For a sample too large to sort at once: a COPY that reads the logs once and writes every sampled line, with
   * its hash and copies, to `dir` as Parquet, a folder per page (1 to `pages`, ranges of hashes in order, about
   * as many hashes in each); `page(dir, p)` then reads page p ordered by hash and text. The pages, in order,
   * give `fetch`'s rows.
   */
  pagedCopy: (dir: string, pages: number) => string;
  page: (dir: string, p: number) => string;
  /**
   * Per file of `files` (as the source names them), the lines the stage read and their bytes of text (a blank
   * line 0, line ends not counted): what a file's size must account for (DuckDB's reader can leave out a long
   * last line without an error; see engines/duckdb/lines.ts).
   */
  linesPerFile: (files: readonly string[]) => string;
}

/**
 * The same push-down in one pass over the logs, for DuckDB, which keeps a table between statements.
 * `stage` parses every line once into a table of its extracted fields (not its text, but for the lines
 * tokor parses itself) with the line's sample hash; it reads `source` (a SELECT of file and line: no row
 * numbers, which would make DuckDB read on one thread). `aggregate` reads that table; `complexFiles` names
 * the files holding lines tokor parses itself, and `numbered(fileLines, file)` gives, in order, the line
 * numbers and text of those lines in one file (`fileLines`: a SELECT of pos, its 1-based line number, and
 * line, over that file alone), so that no more than one chunk of them is in memory at a time.
 * `fetch` reads the sampled lines' text back from `source` without parsing JSON, ordered by hash and text,
 * with each hash's `copies`: its first `copies` lines of a hash are the lines `aggregationQueries().lines`
 * samples (each stratum's `perStratum` smallest hashes); see `takeCopies`. A sample too large to sort at once
 * (`wantedTotals` counts its lines and bytes) is written out by ranges of hashes in one more read of the logs
 * (`pagedCopy`) and each range sorted on its own (`page`).
 *
 * The staged row is kept small, for the table of a multi-GB log to stay within DuckDB's memory limit rather
 * than spill: the identity ARN only when the grouping is by role; the timestamp as a TIMESTAMP (8 bytes; a
 * plain record's timestamp is ISO-8601 UTC with a valid date, so its text comes back from it unchanged), the
 * day derived from it in the queries; the request ID as its 128-bit MD5 (a collision between two IDs is
 * negligible at any volume: the in-process reader's own key is a 96-bit hash).
 */
export function stagedQueries(
  d: SqlDialect,
  source: string,
  spec: AggregationSpec,
  table: string,
): StagedQueries {
  if (d.name !== 'duckdb') throw new Error('stagedQueries is DuckDB SQL (a table kept between statements, md5_number); Athena runs aggregationQueries');
  const tags = tagDimensions(spec.groupBy);
  const cte = recordsCte(d, `SELECT file, NULL AS pos, line FROM (${source}) lines`, tags, spec.promptBounds, true);
  const t = ident(table);
  const role = spec.groupBy.includes('role');
  // Per record only what the queries below read: the file and text only of lines tokor parses itself.
  const stage = `CREATE TEMP TABLE ${t} AS WITH ${cte}
SELECT * EXCLUDE (line, pos, file, rid, ts, day, nonblank${role ? '' : ', arn'}),
  TRY_CAST(ts AS TIMESTAMP) AS ts,
  CASE WHEN nonblank AND NOT plain THEN file END AS file,
  -- a record without a request ID is never a duplicate: a key of its own
  -- (a line tokor parses itself keeps its request ID's key too: duplicateConflicts looks for it among the others)
  CASE WHEN plain THEN md5_number(COALESCE(rid, CAST(${d.uniqueValue} AS VARCHAR))) WHEN nonblank AND rid IS NOT NULL THEN md5_number(rid) END AS request_key,
  CASE WHEN nonblank AND NOT plain THEN line END AS complex_line,
  CASE WHEN plain AND err IS NULL THEN ${sampleHash(d, 'line', spec.seed)} END AS sample_hash,
  CASE WHEN plain AND err IS NULL THEN strlen(line) END AS sample_bytes,
  -- each line's file (as a hash) and bytes of text, for linesPerFile
  hash(file) AS file_hash,
  CAST(strlen(COALESCE(line, '')) AS UINTEGER) AS line_bytes
FROM rec`;
  const linesPerFile = (files: readonly string[]) => `SELECT f.file, COALESCE(SUM(r.line_bytes), 0) AS bytes, COUNT(r.file_hash) AS lines
FROM (SELECT UNNEST([${files.map(lit).join(', ')}]::VARCHAR[]) AS file) f LEFT JOIN ${t} r ON r.file_hash = hash(f.file)
GROUP BY f.file`;
  // The day and the timestamps as text again, once per group.
  const staged = `(SELECT *, CAST(ts AS DATE) AS day FROM ${t})`;
  const aggregate = `SELECT * REPLACE (strftime(day, '%Y-%m-%d') AS day, strftime(min_ts, ${TS_TEXT}) AS min_ts, strftime(max_ts, ${TS_TEXT}) AS max_ts)
FROM (WITH ${aggregateQuery(aggregateKeys(tags, spec.groupBy), staged, 'request_key')}) a`;
  const complexFiles = `SELECT file, COUNT(*) AS n FROM ${t} WHERE complex_line IS NOT NULL GROUP BY file ORDER BY file`;
  // Copies of one request (ID, model, tokens) that the aggregate cannot take as duplicates of each other: plain
  // copies in different groups, or a plain copy and one tokor parses itself. The in-process reader keeps the
  // first copy; without line order (the staged table has none) which one came first is unknown.
  const others = aggregateKeys(tags, spec.groupBy).filter((k) => k !== 'model');
  const duplicateConflicts = `SELECT
  (SELECT COUNT(*) FROM (SELECT request_key FROM ${staged} s WHERE plain GROUP BY request_key, model, tin, tout, tcr, tcw HAVING COUNT(DISTINCT hash(${[...others, 'tcw1h', 'exceed'].join(', ')})) > 1) g) AS conflicting,
  (SELECT COUNT(DISTINCT request_key) FROM ${t} WHERE NOT plain AND request_key IS NOT NULL AND request_key IN (SELECT request_key FROM ${t} WHERE plain)) AS mixed`;
  // A line's text decides whether tokor parses it: every copy of such a text in the file is one of them.
  const numbered = (fileLines: string, file: string) => `SELECT s.pos, s.line FROM (${fileLines}) s
WHERE s.line IN (SELECT complex_line FROM ${t} WHERE file = ${lit(file)} AND complex_line IS NOT NULL)
ORDER BY s.pos`;
  const complexLines = (file: string) => `SELECT complex_line AS line FROM ${t} WHERE file = ${lit(file)} AND complex_line IS NOT NULL`;
  const strata = stratumColumns(tags, spec.groupBy);
  // Identical lines share a hash: the sample holds `copies` of a hash, the first `copies` lines of it in this
  // order (no window: it would hold every fetched line once more, and spill).
  // (Per stratum, not per request: grouping every request, to sample each once, holds a table as large as the
  // log, and ran out of DuckDB's memory in `npm run bench:memory`; tokor drops a request
  // sampled twice instead.)
  // The sampled hashes, each with its copies (no table: the sample's few strata cost less to pick again than to keep).
  const wanted = `picks AS (
  SELECT t.h AS h FROM (
    SELECT min_by(sample_hash, sample_hash, ${sampledPerStratum(spec)}) AS hs FROM ${staged} WHERE sample_hash IS NOT NULL GROUP BY ${strata.join(', ')}
  ) p CROSS JOIN UNNEST(hs) AS t(h)
),
wanted AS (SELECT h, COUNT(*) AS copies FROM picks GROUP BY h)`;
  // Identical lines share a hash and a length: each hash's bytes from any of its lines.
  const wantedTotals = `WITH ${wanted}
SELECT COUNT(*) AS hashes, COALESCE(SUM(copies), 0) AS lines, COALESCE(SUM(copies * b), 0) AS bytes
FROM wanted JOIN (SELECT sample_hash, ANY_VALUE(sample_bytes) AS b FROM ${t} WHERE sample_hash IS NOT NULL GROUP BY sample_hash) x ON x.sample_hash = h`;
  const sampled = `(SELECT line, ${sampleHash(d, 'line', spec.seed)} AS h FROM (${source}) src) s`;
  const fetch = `WITH ${wanted}
SELECT s.line, w.h, w.copies
FROM ${sampled} JOIN wanted w ON s.h = w.h
ORDER BY w.h, s.line`;
  // No sort of the whole sample: DuckDB writes each page's rows as they come (row groups of 16 MB, for the open
  // pages' buffers to stay within its memory limit).
  const pagedCopy = (dir: string, pages: number) => `COPY (WITH ${wanted},
paged AS (SELECT h, copies, ntile(${Math.max(1, Math.floor(pages))}) OVER (ORDER BY h) AS page FROM wanted)
SELECT s.line, w.h, w.copies, w.page
FROM ${sampled} JOIN paged w ON s.h = w.h) TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (page), ROW_GROUP_SIZE_BYTES '16MB')`;
  const page = (dir: string, p: number) => `SELECT line, h, copies FROM read_parquet(${lit(`${dir}/page=${p}/*.parquet`)}) ORDER BY h, line`;
  return { stage, aggregate, complexFiles, duplicateConflicts, complexLines, numbered, wantedTotals, fetch, pagedCopy, page, linesPerFile };
}

/** The sampled lines of `stagedQueries().fetch` rows, read in their order: the first `copies` of each hash. */
export async function* takeCopies(rows: AsyncIterable<{ line: string; h: unknown; copies: number }>): AsyncGenerator<string> {
  let last: unknown;
  let taken = 0;
  for await (const r of rows) {
    if (r.h !== last) {
      last = r.h;
      taken = 0;
    }
    if (taken++ < r.copies) yield r.line;
  }
}
