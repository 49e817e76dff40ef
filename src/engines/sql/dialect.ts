/**
 * The few SQL expressions in which DuckDB and Athena (Trino) differ. The
 * aggregation (aggregation.ts) is written once over these; everything else
 * it uses (CASE, COALESCE, NULLIF, substr, lower, TRY_CAST, min_by(x, y, n),
 * CROSS JOIN UNNEST, GROUP BY, ARRAY[…] and its 1-based subscript, lambdas
 * `x -> …`, contains(list, item)) is spelled the same in both.
 */
export interface SqlDialect {
  readonly name: 'duckdb' | 'trino';
  /** The line as JSON (NULL when it is not valid JSON), or the text itself when extractAll checks it. */
  parse(line: string): string;
  /** The values at these JSON paths as one array of JSON values (absent: NULL), the record parsed once; NULL when the line is not JSON. */
  extractAll(json: string, paths: string[]): string;
  /** The JSON text of an extracted value ('123', '"x"', '{…}'); NULL when absent. */
  raw(value: string): string;
  /** The first character of an extracted value's JSON text: '{', '[', '"', 'n' (null) or '0' (number, boolean); NULL when absent. */
  kind(value: string): string;
  /** An extracted scalar's text (a string without its quotes). */
  text(value: string): string;
  /** Whether `expr` matches the regular expression (unanchored unless the pattern anchors it). */
  matches(expr: string, pattern: string): string;
  /** A well-mixed, orderable hash of a text: the sample's order. */
  hash(expr: string): string;
  /** A text unique to each row: what stands in for a request ID when a record has none (never a duplicate). */
  rowUnique: string;
  /** A value unique to each row without a row number (a random UUID). */
  uniqueValue: string;
  /** A JSON path step to a key that is no identifier (`amazon-bedrock-invocationMetrics`). */
  key(name: string): string;
  /** An extracted JSON array as a list of its items' JSON values; NULL when the value is no array. */
  items(value: string): string;
  /** The list of `expr` over each item `x` of a list. */
  map(list: string, x: string, expr: string): string;
  /** The items `x` of a list for which `cond` holds. */
  filter(list: string, x: string, cond: string): string;
  /** The first item of a list (NULL when empty). */
  first(list: string): string;
  /** The last item of a list (NULL when empty). */
  last(list: string): string;
  /** The greatest item of a list without NULLs (NULL when empty). */
  max(list: string): string;
}

export const DUCKDB: SqlDialect = {
  name: 'duckdb',
  // The text itself: json_extract parses it once, and TRY makes a line that is not JSON NULL (validating first would parse it twice more).
  parse: (line) => line,
  extractAll: (json, paths) => `TRY(json_extract(${json}, [${paths.map(lit).join(', ')}]))`,
  raw: (v) => `CAST(${v} AS VARCHAR)`,
  // An extracted value is JSON text as DuckDB writes it (no leading space): its first character tells its kind
  // (t, f, - and digits: a number or a boolean), as json_type would, without parsing it again. (ascii, the first
  // character's code, costs about half of taking that character as a string.)
  kind: (v) => `CASE WHEN ${v} IS NULL THEN NULL ELSE CASE ascii(${v}) WHEN 123 THEN '{' WHEN 91 THEN '[' WHEN 34 THEN '"' WHEN 110 THEN 'n' ELSE '0' END END`,
  // A string without escapes is its text between the quotes; only the others are parsed.
  text: (v) => `CASE WHEN contains(${v}, '\\') THEN json_extract_string(${v}, '$') ELSE substr(${v}, 2, length(${v}) - 2) END`,
  matches: (expr, pattern) => `regexp_matches(${expr}, ${lit(pattern)})`,
  hash: (expr) => `hash(${expr})`,
  rowUnique: `CAST(pos AS VARCHAR)`,
  uniqueValue: 'gen_random_uuid()',
  key: (name) => `."${name}"`,
  items: (v) => `TRY_CAST(${v} AS JSON[])`,
  map: (list, x, expr) => `list_transform(${list}, ${x} -> ${expr})`,
  filter: (list, x, cond) => `list_filter(${list}, ${x} -> ${cond})`,
  first: (list) => `(${list})[1]`,
  last: (list) => `(${list})[-1]`,
  max: (list) => `list_max(${list})`,
};

export const TRINO: SqlDialect = {
  name: 'trino',
  parse: (line) => `try(json_parse(${line}))`,
  extractAll: (json, paths) => `ARRAY[${paths.map((p) => `json_extract(${json}, ${lit(p)})`).join(', ')}]`,
  raw: (v) => `json_format(${v})`,
  kind: (v) => `CASE WHEN ${v} IS NULL THEN NULL WHEN substr(json_format(${v}), 1, 1) IN ('{', '[', '"', 'n') THEN substr(json_format(${v}), 1, 1) ELSE '0' END`,
  text: (v) => `json_extract_scalar(${v}, '$')`,
  matches: (expr, pattern) => `regexp_like(${expr}, ${lit(pattern)})`,
  hash: (expr) => `xxhash64(to_utf8(${expr}))`,
  rowUnique: `CAST(uuid() AS VARCHAR)`,
  uniqueValue: 'uuid()',
  key: (name) => `["${name}"]`,
  items: (v) => `TRY_CAST(${v} AS ARRAY(JSON))`,
  map: (list, x, expr) => `transform(${list}, ${x} -> ${expr})`,
  filter: (list, x, cond) => `filter(${list}, ${x} -> ${cond})`,
  first: (list) => `element_at(${list}, 1)`,
  last: (list) => `element_at(${list}, -1)`,
  max: (list) => `array_max(${list})`,
};

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A double-quoted SQL identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
