/**
 * A local OpenAI-compatible chat completions endpoint on 127.0.0.1:
 * POST /v1/chat/completions → {choices:[{message:{role,content}}], usage{prompt_tokens,
 * completion_tokens, total_tokens, prompt_tokens_details{cached_tokens}}}; errors as
 * {error:{message,type,code}} with their HTTP status. Every request is logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface LoggedChat {
  n: number;
  /** The request path with its query string. */
  path: string;
  /** When the request arrived (Date.now()). */
  at: number;
  // biome-ignore lint/suspicious/noExplicitAny: the request's JSON as the client sent it; tests read any part of it
  body: any;
  text: string;
  authorization?: string;
  status?: number;
}

export interface ChatReply {
  status?: number;
  /** Extra response headers (Retry-After …). */
  headers?: Record<string, string>;
  json?: unknown;
  raw?: string;
  delayMs?: number;
  hang?: boolean;
}

export type ChatBehaviour = (req: LoggedChat, ctx: { attemptsForText: number }) => ChatReply | Promise<ChatReply>;

export function chatOk(text: string, usage: { prompt?: number; completion?: number; cached?: number } = {}): ChatReply {
  const prompt = usage.prompt ?? 12;
  const completion = usage.completion ?? 4;
  return {
    status: 200,
    json: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1700000000,
      model: 'served-model',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        ...(usage.cached !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cached } } : {}),
      },
    },
  };
}

export function chatError(status: number, type: string, message: string, code?: string): ChatReply {
  return { status, json: { error: { message, type, code: code ?? null } } };
}

export interface OpenAIServer {
  /** Base URL including /v1. */
  baseUrl: string;
  requests: LoggedChat[];
  setBehaviour(b: ChatBehaviour): void;
  close(): Promise<void>;
}

export async function startOpenAIServer(behaviour: ChatBehaviour = (r) => chatOk(`answer:${r.text}`)): Promise<OpenAIServer> {
  let current = behaviour;
  const requests: LoggedChat[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const entry: LoggedChat = { n: requests.length + 1, path: req.url ?? '', at: Date.now(), body: undefined, text: '' };
        if (req.headers.authorization) entry.authorization = req.headers.authorization;
        requests.push(entry);
        let reply: ChatReply;
        try {
          entry.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          entry.body = undefined;
        }
        if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/chat/completions') reply = chatError(404, 'invalid_request_error', 'not found');
        else if (!entry.body) reply = chatError(400, 'invalid_request_error', 'body is not JSON');
        else {
          const msgs = (entry.body.messages ?? []) as { role: string; content: string }[];
          entry.text = [...msgs].reverse().find((m) => m.role === 'user')?.content ?? '';
          const count = (attempts.get(entry.text) ?? 0) + 1;
          attempts.set(entry.text, count);
          reply = await current(entry, { attemptsForText: count });
        }
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.hang) {
          await new Promise<void>((r) => res.on('close', () => r()));
          return;
        }
        if (res.destroyed) return;
        const body = reply.raw ?? JSON.stringify(reply.json ?? {});
        entry.status = reply.status ?? 200;
        res.writeHead(entry.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
        res.end(body);
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
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
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
