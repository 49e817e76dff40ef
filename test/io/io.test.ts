/** Units: fs error wording, safe path segments, redaction, Retry-After, the retry delay, the interrupt state machine, cache keys per region. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fsFailure, fsReason } from '../../src/io/fsErrors.js';
import { pathSegment, pathWithin } from '../../src/io/safePath.js';
import { redactSecrets } from '../../src/redact.js';
import { retryAfterMs } from '../../src/providers/classify.js';
import { chatCompletionsUrl } from '../../src/providers/openai.js';
import { createBedrockClient } from '../../src/providers/bedrock.js';
import { ThrottledError } from '../../src/eval/provider.js';
import { retryDelay } from '../../src/eval/engine/index.js';
import { resumeCommand, trapInterrupt } from '../../src/cli/interrupt.js';
import { cacheKey } from '../../src/eval/cache.js';
import { classifyError } from '../../src/errorAdvice.js';
import { EXAMPLE_KEY_ID, EXAMPLE_SECRET, EXAMPLE_SESSION_KEY_ID } from '../helpers/fake-aws.js';

const err = (code: string) => Object.assign(new Error(`${code}: something, open '/x'`), { code });

describe('fs errors', () => {
  it('word the code and say what to do; the exit code is 2 for the path, 3 for a full disk', () => {
    expect(fsReason(err('ENOENT'))).toBe('no such file or directory');
    expect(fsFailure(err('ENOENT'), 'a.json', 'read').message).toBe('a.json: cannot read (no such file or directory); check the path');
    expect(fsFailure(err('EROFS'), 'r.jsonl', 'write', 'results').message).toBe('r.jsonl: cannot write results (read-only file system); choose a path on a writable disk');
    expect(fsFailure(err('EACCES'), 'r', 'write').exitCode).toBe(2);
    expect(fsFailure(err('EISDIR'), 'd', 'write').message).toContain('(is a directory); name a file, not a directory');
    const full = fsFailure(err('ENOSPC'), 'big.json', 'write');
    expect(full.exitCode).toBe(3);
    expect(full.message).toBe('big.json: cannot write (no space left on the device); free some space, or write elsewhere');
    expect(fsReason(new Error('EWEIRD: odd thing, open \'/x\''))).toBe('odd thing');
  });
});

describe('paths from data', () => {
  it('ordinary names stay; separators, dots that climb, controls and non-ASCII are encoded; distinct names stay distinct', () => {
    expect(pathSegment('support-triage')).toBe('support-triage');
    expect(pathSegment('cheap.jsonl')).toBe('cheap.jsonl');
    expect(pathSegment('..')).toBe('%2E%2E');
    expect(pathSegment('.')).toBe('%2E');
    expect(pathSegment('')).toBe('%00');
    expect(pathSegment('../../x')).toBe('%2E.%2F..%2Fx');
    expect(pathSegment('a\\b\u0000c')).toBe('a%5Cb%00c');
    expect(pathSegment('.hidden')).toBe('%2Ehidden');
    expect(pathSegment('café')).toBe('caf%C3%A9');
    expect(pathSegment('a/b')).not.toBe(pathSegment('a_b'));
    expect(pathSegment('a%2Fb')).not.toBe(pathSegment('a/b'));
  });
  it('pathWithin stays inside the directory', () => {
    expect(pathWithin('/r/sub', '../../escape', 'recordings', 'x.jsonl')).toBe('/r/sub/%2E.%2F..%2Fescape/recordings/x.jsonl');
    expect(pathWithin('/r', '/etc/passwd')).toBe('/r/%2Fetc%2Fpasswd');
  });
});

describe('redactSecrets', () => {
  it('removes bearer tokens, API keys, AWS key IDs, SigV4 credentials and signatures, session tokens', () => {
    const text = [
      'Authorization: Bearer sk-proj-AbCdEfGhIjKlMnOp123',
      'api_key=sk-ant-api03-abcdefghijklmnop',
      'x-api-key: 0123456789abcdef0123',
      `Credential=${EXAMPLE_KEY_ID}/20251105/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024`,
      'X-Amz-Security-Token: IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ',
      '"SessionToken": "FwoGZXIvYXdzEJr//////////wEaDEXAMPLE"',
      `aws_secret_access_key = ${EXAMPLE_SECRET}`,
      `key ${EXAMPLE_SESSION_KEY_ID} in use`,
      'url https://x.example/v1?key=AIzaSyA-1234567890abcdefghijklmnopqrstu&x=1',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ].join('\n');
    const out = redactSecrets(text);
    for (const secret of ['AbCdEfGhIjKlMnOp123', 'abcdefghijklmnop', '0123456789abcdef0123', EXAMPLE_KEY_ID, 'fe5f80f77d5fa3be', 'IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzEJr', 'wJalrXUtnFEMI', EXAMPLE_SESSION_KEY_ID, 'AIzaSyA-1234567890', 'eyJhbGciOiJIUzI1NiJ9']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('Authorization: Bearer [redacted]');
    expect(out).toContain('SignedHeaders=host;x-amz-date');
    expect(out).toContain('key [access key] in use');
  });
  it('leaves ordinary error text alone', () => {
    const plain = 'ValidationException (400): The provided model identifier is invalid. Token limit exceeded for us.amazon.nova-lite-v1:0; request id 3f2a-11';
    expect(redactSecrets(plain)).toBe(plain);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-11-05T10:00:00Z');
  it('reads seconds, an HTTP date, retry-after-ms and x-amz-retry-after; never negative; undefined when absent or unreadable', () => {
    expect(retryAfterMs({ 'Retry-After': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Wed, 05 Nov 2025 10:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 05 Nov 2025 09:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(retryAfterMs({ 'x-amz-retry-after': '1200' }, now)).toBe(1200);
    expect(retryAfterMs(new Headers({ 'Retry-After': '7' }), now)).toBe(7000);
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
  it('the retry waits the longer of backoff and Retry-After, never longer than the per-request timeout', () => {
    const e = (ms?: number) => new ThrottledError('slow down', { retryAfterMs: ms });
    expect(retryDelay(0, e(), { random: () => 1, timeoutMs: 60_000 })).toBe(500);
    expect(retryDelay(0, e(2000), { random: () => 1, timeoutMs: 60_000 })).toBe(2000);
    expect(retryDelay(5, e(100), { random: () => 1, timeoutMs: 60_000 })).toBe(16_000);
    expect(retryDelay(0, e(3_600_000), { random: () => 1, timeoutMs: 1000 })).toBe(1000);
  });
});

describe('provider URLs and cache keys', () => {
  it('chat completions URL keeps the query and any base path', () => {
    expect(chatCompletionsUrl('http://h:4000/v1?api-version=2')).toBe('http://h:4000/v1/chat/completions?api-version=2');
    expect(chatCompletionsUrl('https://x.example/openai/v1/')).toBe('https://x.example/openai/v1/chat/completions');
  });
  it('Bedrock without an endpoint: the region is part of the cache key', () => {
    const a = createBedrockClient({ name: 't', provider: 'bedrock', model: 'm', region: 'us-east-1' }, { concurrency: 1, env: {} });
    const b = createBedrockClient({ name: 't', provider: 'bedrock', model: 'm', region: 'us-west-2' }, { concurrency: 1, env: {} });
    const key = (endpoint: string) => cacheKey({ provider: 'bedrock', model: 'm', endpoint, input: { messages: [{ role: 'user', content: 'hi' }] } });
    expect(key(a.endpoint)).not.toBe(key(b.endpoint));
    a.close();
    b.close();
  });
});

describe('error classification', () => {
  it('names the kind from the wire type, the status or the message', () => {
    expect(classifyError('CredentialsProviderError', undefined, 'Could not load credentials from any providers')).toBe('no-credentials');
    expect(classifyError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.')).toBe('rejected-credentials');
    expect(classifyError('ExpiredTokenException', 400, 'The security token included in the request is expired')).toBe('expired-credentials');
    expect(classifyError('AccessDeniedException', 403, 'no access')).toBe('access-denied');
    expect(classifyError('ValidationException', 400, 'The provided model identifier is invalid.')).toBe('not-found');
    expect(classifyError('ECONNREFUSED', undefined, 'connect ECONNREFUSED')).toBe('network');
    expect(classifyError('HTTP401', 401, 'bad key')).toBe('rejected-credentials');
    expect(classifyError('ThrottlingException', 429, 'slow')).toBe('throttled');
    expect(classifyError('ConfigError', undefined, 'Region is missing')).toBe('no-region');
  });
});

describe('the interrupt state machine', () => {
  it('first SIGINT aborts the signal and says so; the second prints how to continue and exits 130', () => {
    const proc = new EventEmitter();
    const said: string[] = [];
    const exits: number[] = [];
    const i = trapInterrupt({ stopping: 'stopping', resumeHint: () => 'tokor eval --out r.jsonl --resume', say: (l) => said.push(l), exit: (c) => exits.push(c), on: proc as unknown as NodeJS.Process });
    expect(i.interrupted).toBe(false);
    expect(i.closing()).toEqual([]);
    proc.emit('SIGINT');
    expect(i.signal.aborted).toBe(true);
    expect(said).toEqual(['tokor: stopping (Ctrl-C again to quit at once)']);
    expect(exits).toEqual([]);
    expect(i.closing()).toEqual(['tokor: to continue: tokor eval --out r.jsonl --resume']);
    proc.emit('SIGINT');
    expect(exits).toEqual([130]);
    i.dispose();
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
  it('the resume command quotes for a shell, adds --resume once and drops --overwrite', () => {
    expect(resumeCommand('eval', ['--dataset', 'my file.jsonl', '--out', 'r.jsonl', '--overwrite'], ['--overwrite'])).toBe("tokor eval --dataset 'my file.jsonl' --out r.jsonl --resume");
    expect(resumeCommand('label', ['x.jsonl', '--resume'])).toBe('tokor label x.jsonl --resume');
  });
});
