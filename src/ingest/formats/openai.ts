/**
 * OpenAI-style gateway lines: chat-completion responses, request/response
 * pairs (Azure AI Foundry, generic proxies) and LiteLLM's StandardLoggingPayload.
 */
import { parseOpenAIRecord } from '../parseOpenAIRecord.js';
import { tokorLine } from '../tokorLines.js';
import type { LogFormat } from './types.js';

const KEYS = ['model', 'messages', 'choices', 'usage', 'request', 'prompt_tokens', 'call_type'] as const;

export const openai: LogFormat = {
  title: 'OpenAI-style gateway logs (chat completions, LiteLLM StandardLoggingPayload)',
  inputTokens: 'includes-cache',
  inputField: 'usage.prompt_tokens (includes cached tokens)',
  detect(obj) {
    if (obj.object === 'chat.completion' || obj.object === 'response') return 2;
    for (const k of KEYS) if (Object.hasOwn(obj, k)) return tokorLine(obj) === undefined ? 1 : 0;
    return 0;
  },
  parse: (obj, loc) => parseOpenAIRecord(obj, loc),
};
