/**
 * Exact token sums: numbers while they stay safe integers, bigint past 2^53.
 * Shared by the accumulator's buckets and the task clusters (strata.ts).
 */
export type TokenKind = 'input' | 'output' | 'cacheRead' | 'cacheWrite';

/**
 * Token sums. The number fields are exact while they stay safe integers; what
 * would overflow 2^53 moves to `big` (bigint), so a total is `field + big.field`.
 */
export interface TokenBucket {
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  big?: Record<TokenKind, bigint>;
}

export function addTokens(b: TokenBucket, requests: number, input: number, output: number, cacheRead: number, cacheWrite: number): void {
  b.requests += requests;
  // A sum that is still ≤ 2^53 − 1 as a double is exact; past it, the field moves to bigint.
  const i = b.input + input;
  if (i <= Number.MAX_SAFE_INTEGER) b.input = i;
  else spill(b, 'input', input);
  const o = b.output + output;
  if (o <= Number.MAX_SAFE_INTEGER) b.output = o;
  else spill(b, 'output', output);
  const r = b.cacheRead + cacheRead;
  if (r <= Number.MAX_SAFE_INTEGER) b.cacheRead = r;
  else spill(b, 'cacheRead', cacheRead);
  const w = b.cacheWrite + cacheWrite;
  if (w <= Number.MAX_SAFE_INTEGER) b.cacheWrite = w;
  else spill(b, 'cacheWrite', cacheWrite);
}

function spill(b: TokenBucket, kind: TokenKind, add: number): void {
  b.big ??= { input: 0n, output: 0n, cacheRead: 0n, cacheWrite: 0n };
  b.big[kind] += BigInt(b[kind]) + BigInt(add);
  b[kind] = 0;
}

/** A bucket's exact token totals. */
export function bucketTokens(b: TokenBucket): Record<TokenKind, bigint> {
  const big = b.big;
  return {
    input: BigInt(b.input) + (big?.input ?? 0n),
    output: BigInt(b.output) + (big?.output ?? 0n),
    cacheRead: BigInt(b.cacheRead) + (big?.cacheRead ?? 0n),
    cacheWrite: BigInt(b.cacheWrite) + (big?.cacheWrite ?? 0n),
  };
}

