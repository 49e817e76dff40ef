/**
 * OpenAI-compatible chat completions (OpenAI, Azure AI Foundry, Vertex's
 * OpenAI-compatible endpoint, LiteLLM, vLLM) over fetch. The key comes from
 * the tier's apiKeyEnv (else OPENAI_API_KEY) and is only ever put in the
 * Authorization header; without one the request goes unauthenticated (local
 * gateways).
 */
import { performance } from 'node:perf_hooks';
import type { TierConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { abortedError, errorFromResponse, networkError, retryAfterMs } from './classify.js';
import { platformSignal, TransientError, type InvokeRequest, type InvokeResult, type ModelClient } from '../eval/provider.js';
import type { ClientOptions } from './types.js';

const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIClientOptions {
  model: string;
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:4000/v1; /chat/completions is appended. */
  baseUrl: string;
  apiKey?: string;
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null } }[];
  model?: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null };
}

export class OpenAIClient implements ModelClient {
  readonly provider = 'openai' as const;
  readonly model: string;
  readonly endpoint: string;
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(opts: OpenAIClientOptions) {
    this.model = opts.model;
    this.endpoint = opts.baseUrl.replace(/\/+$/, '');
    this.url = chatCompletionsUrl(opts.baseUrl);
    this.headers = { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) };
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const start = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, { method: 'POST', headers: this.headers, body: JSON.stringify(chatRequest(this.model, req)), signal: platformSignal(req.signal) });
      text = await res.text();
    } catch (e) {
      if (req.signal.aborted) throw abortedError(req.signal);
      throw networkError(e);
    } finally {
      if (!(req.signal instanceof AbortSignal)) req.signal.onabort = null;
    }
    const latencyMs = Math.round(performance.now() - start);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const err = (body as { error?: { type?: string; code?: string | number; message?: string } } | undefined)?.error;
      const code = typeof err?.code === 'string' ? err.code : err?.type;
      throw errorFromResponse(res.status, code, err?.message ?? text.slice(0, 200), undefined, retryAfterMs(res.headers));
    }
    return fromChatCompletion(body as ChatCompletion | undefined, latencyMs, res.status);
  }
}

/**
 * The chat completions URL under a base URL, built with the URL API: the path
 * gets /chat/completions, the query stays (Azure's `?api-version=…`).
 */
export function chatCompletionsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new InputError(`not a URL: "${baseUrl}" (expected e.g. https://api.openai.com/v1)`, 'baseUrl');
  }
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/chat/completions`;
  return u.toString();
}

/** The chat completions request: system first, then the messages as they are. */
function chatRequest(model: string, req: Pick<InvokeRequest, 'input' | 'maxTokens' | 'temperature' | 'stopSequences'>): Record<string, unknown> {
  return {
    model,
    messages: [...(req.input.system ? [{ role: 'system', content: req.input.system }] : []), ...req.input.messages.map((m) => ({ role: m.role, content: m.content }))],
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.stopSequences?.length ? { stop: req.stopSequences } : {}),
  };
}

/** prompt_tokens includes cached tokens: inputTokens is the uncached rest, like Bedrock's. */
function fromChatCompletion(body: ChatCompletion | undefined, latencyMs: number, status = 200): InvokeResult {
  const choice = body?.choices?.[0];
  if (!body || typeof body !== 'object' || !choice?.message) {
    throw new TransientError(`MalformedResponse (${status}): no choices[0].message in the response body`, { code: 'MalformedResponse', status });
  }
  const prompt = body.usage?.prompt_tokens ?? 0;
  const cached = body.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    output: choice.message.content ?? '',
    usage: { inputTokens: Math.max(0, prompt - cached), outputTokens: body.usage?.completion_tokens ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 },
    latencyMs,
    raw: { model: body.model },
  };
}

export function createOpenAIClient(tier: TierConfig, opts: ClientOptions): OpenAIClient {
  const env = opts.env ?? {};
  const apiKey = tier.apiKeyEnv ? env[tier.apiKeyEnv] : env.OPENAI_API_KEY;
  if (tier.apiKeyEnv && !apiKey) {
    throw new InputError(`tier "${tier.name}": environment variable ${tier.apiKeyEnv} (apiKeyEnv) is not set`, `tiers.${tier.name}.apiKeyEnv`);
  }
  return new OpenAIClient({
    model: tier.model,
    baseUrl: tier.baseUrl ?? tier.endpointUrl ?? env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL,
    ...(apiKey ? { apiKey } : {}),
  });
}
