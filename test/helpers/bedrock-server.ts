/**
 * A local stand-in for Amazon Bedrock Runtime that speaks the Converse
 * REST-JSON wire protocol over plain HTTP/1.1 on 127.0.0.1, so tests drive the
 * real BedrockRuntimeClient through `endpoint`:
 * - POST /model/{modelId}/converse, JSON body {messages, system, inferenceConfig}
 * - 200 → {output:{message:{role,content:[{text}]}}, stopReason, usage{inputTokens,
 *   outputTokens,totalTokens,cacheReadInputTokens,cacheWriteInputTokens}, metrics{latencyMs}, trace?}
 * - errors → status + `x-amzn-errortype: <Type>:<namespace>` header and a
 *   {"message"} body (the SDK reads the header first, then code/__type).
 * Every request is logged (model, body, the user text, the signed Credential's key id).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { TEST_KEY_ID } from './fake-aws.js';

interface LoggedRequest {
  /** 1-based order of arrival. */
  n: number;
  method: string;
  path: string;
  modelId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the request's JSON as the client sent it; tests read any part of it
  body: any;
  /** The text of the last user message. */
  text: string;
  /** Access key id from the SigV4 Authorization header (never a secret). */
  accessKeyId?: string;
  /** Status the server answered with; undefined while pending or when the socket was dropped. */
  status?: number;
  /** The client closed the connection before an answer (a `hang` reply cut by the client's abort). */
  cancelled?: boolean;
}

export interface Reply {
  status?: number;
  /** JSON body (serialised as is). */
  json?: unknown;
  /** Raw body text instead of json (malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
  /** Wait before answering. */
  delayMs?: number;
  /** Never answer (until the client gives up or the server closes). */
  hang?: boolean;
  /** Drop the connection without a response. */
  destroy?: boolean;
}

export type Behaviour = (req: LoggedRequest, ctx: { attemptsForText: number }) => Reply | Promise<Reply>;

/** A Converse 200 answer. */
export function converseOk(
  text: string,
  usage: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number } = {},
  extra: Record<string, unknown> = {},
): Reply {
  const inputTokens = usage.inputTokens ?? 10;
  const outputTokens = usage.outputTokens ?? 5;
  return {
    status: 200,
    json: {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens,
        outputTokens,
        totalTokens: inputTokens + outputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0),
        ...(usage.cacheReadInputTokens !== undefined ? { cacheReadInputTokens: usage.cacheReadInputTokens } : {}),
        ...(usage.cacheWriteInputTokens !== undefined ? { cacheWriteInputTokens: usage.cacheWriteInputTokens } : {}),
      },
      metrics: { latencyMs: 1 },
      ...extra,
    },
  };
}

/** An AWS error the way Bedrock sends it: status, x-amzn-errortype header, {"message"} body. */
export function awsError(status: number, type: string, message: string): Reply {
  return {
    status,
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
    json: { message },
  };
}

export const throttled = (): Reply => awsError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');

export interface BedrockServer {
  /** http://127.0.0.1:port */
  url: string;
  requests: LoggedRequest[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  setBehaviour(b: Behaviour): void;
  close(): Promise<void>;
}

/** The default: echo "answer:<user text>" with fixed usage. */
const echo: Behaviour = (req) => converseOk(`answer:${req.text}`);

export async function startBedrockServer(behaviour: Behaviour = echo): Promise<BedrockServer> {
  let current = behaviour;
  const requests: LoggedRequest[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, inFlight);
        const entry: LoggedRequest = {
          n: requests.length + 1,
          method: req.method ?? '',
          path: req.url ?? '',
          modelId: '',
          body: undefined,
          text: '',
        };
        requests.push(entry);
        const auth = req.headers.authorization ?? '';
        const cred = /Credential=([^/]+)\//.exec(auth);
        if (cred) entry.accessKeyId = cred[1];
        const m = /^\/model\/([^/]+)\/converse$/.exec((req.url ?? '').split('?')[0] ?? '');
        let reply: Reply;
        if (req.method !== 'POST' || !m) {
          reply = awsError(404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
        } else {
          entry.modelId = decodeURIComponent(m[1]!);
          try {
            entry.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            entry.body = undefined;
          }
          const msgs = (entry.body?.messages ?? []) as { role: string; content: { text?: string }[] }[];
          const lastUser = [...msgs].reverse().find((x) => x.role === 'user');
          entry.text = (lastUser?.content ?? []).map((c) => c.text ?? '').join('');
          const k = `${entry.modelId}\u0000${entry.text}`;
          const count = (attempts.get(k) ?? 0) + 1;
          attempts.set(k, count);
          reply = entry.body === undefined ? awsError(400, 'SerializationException', 'body is not JSON') : await current(entry, { attemptsForText: count });
        }
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.hang) {
          await new Promise<void>((r) => res.on('close', () => r()));
          entry.cancelled = !res.writableFinished;
          inFlight--;
          return;
        }
        if (reply.destroy || res.destroyed) {
          req.socket.destroy();
          inFlight--;
          return;
        }
        const body = reply.raw ?? JSON.stringify(reply.json ?? {});
        entry.status = reply.status ?? 200;
        res.writeHead(entry.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': randomUUID(),
          'content-length': Buffer.byteLength(body),
          ...reply.headers,
        });
        res.end(body);
        inFlight--;
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    setBehaviour(b) {
      current = b;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Static, fake credentials in the environment for the SDK's default chain (no ini files, no metadata service). */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = TEST_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = 'tokor-test-secret';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}
