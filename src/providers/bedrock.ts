/**
 * Amazon Bedrock through the Converse API (@aws-sdk/client-bedrock-runtime).
 *
 * Deliberate client settings:
 * - requestHandler: a NodeHttpHandler (HTTP/1.1) instead of the Bedrock Runtime
 *   client's default NodeHttp2Handler. The HTTP/2 handler cannot talk to plain
 *   HTTP/1.1 endpoints (gateways, proxies, local stand-ins behind
 *   --endpoint-url), and Converse is a unary call that gains nothing from h2.
 *   Keep-alive agents sized to the run's concurrency pool the sockets.
 * - maxAttempts: 1. The SDK's own retries are off so that the runner's policy
 *   (backoff with full jitter, adaptive concurrency, per-request timeout) is
 *   the only one in force and attempts are counted in one place.
 * - Credentials: the SDK's default provider chain (env, SSO, shared ini files
 *   with `profile`, process, web identity, container/instance metadata). They
 *   are never read, logged or copied here.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandInput, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TierConfig } from '../config/schema.js';
import { abortedError, errorFromResponse, networkError, oneLine, retryAfterMs } from './classify.js';
import { ProviderError, ThrottledError, TransientError, ValidationError, type InvokeRequest, type InvokeResult, type ModelClient } from '../eval/provider.js';
import type { ClientOptions } from './types.js';

export interface BedrockClientOptions {
  model: string;
  region?: string;
  profile?: string;
  endpoint?: string;
  /** Most requests in flight at once: sizes the keep-alive socket pool. */
  concurrency: number;
}

export class BedrockClient implements ModelClient {
  readonly provider = 'bedrock' as const;
  readonly model: string;
  readonly endpoint: string;
  private readonly sdk: BedrockRuntimeClient;
  private readonly handler: NodeHttpHandler;

  constructor(opts: BedrockClientOptions) {
    this.model = opts.model;
    // Part of the response-cache key: the endpoint, else the regional endpoint the SDK will use,
    // so two regions never share cached answers.
    this.endpoint = opts.endpoint ?? (opts.region ? `https://bedrock-runtime.${opts.region}.amazonaws.com` : `bedrock-runtime (the region of AWS profile ${opts.profile ?? 'default'})`);
    const maxSockets = Math.max(1, opts.concurrency);
    this.handler = new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: 10_000,
    });
    this.sdk = new BedrockRuntimeClient({
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      requestHandler: this.handler,
      maxAttempts: 1,
    });
  }

  /** The underlying SDK client, for the benchmark's bare loop. */
  get sdkClient(): BedrockRuntimeClient {
    return this.sdk;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const { signal } = req;
    if (signal.aborted) throw abortedError(signal);
    const command = new ConverseCommand(converseInput(this.model, req));
    const start = performance.now();
    let res: ConverseCommandOutput;
    try {
      // The runner's AttemptSignal goes to the SDK as it is: it has the SDK's
      // own { aborted, onabort } shape, so no listener pairs per request.
      res = await this.sdk.send(command, { abortSignal: signal });
    } catch (e) {
      if (signal.aborted) throw abortedError(signal);
      throw fromSdkError(e);
    } finally {
      // The SDK's abort handler closes over the request; the socket (kept
      // alive, long-lived) still points at that request. Dropping the handler
      // once the call is over stops each attempt's objects from outliving it,
      // which measurably cuts GC work per item (bench/eval.mjs).
      if (!(signal instanceof AbortSignal)) signal.onabort = null;
    }
    const latencyMs = Math.round(performance.now() - start);
    return fromConverseOutput(res, latencyMs);
  }

  close(): void {
    this.sdk.destroy();
  }
}

/** The Converse request for one item: the input as it is, inference parameters only when set. */
function converseInput(modelId: string, req: Pick<InvokeRequest, 'input' | 'maxTokens' | 'temperature' | 'stopSequences'>): ConverseCommandInput {
  const inferenceConfig: NonNullable<ConverseCommandInput['inferenceConfig']> = {};
  if (req.maxTokens !== undefined) inferenceConfig.maxTokens = req.maxTokens;
  if (req.temperature !== undefined) inferenceConfig.temperature = req.temperature;
  if (req.stopSequences?.length) inferenceConfig.stopSequences = req.stopSequences;
  return {
    modelId,
    messages: req.input.messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })),
    ...(req.input.system ? { system: [{ text: req.input.system }] } : {}),
    ...(Object.keys(inferenceConfig).length ? { inferenceConfig } : {}),
  };
}

/** Text of the answer, usage (cache tokens included) and the prompt router's pick. */
function fromConverseOutput(res: ConverseCommandOutput, latencyMs: number): InvokeResult {
  const content = res.output?.message?.content;
  if (!Array.isArray(content)) {
    throw new TransientError('malformed Converse response: no output.message.content', { code: 'MalformedResponse', status: res.$metadata?.httpStatusCode });
  }
  const output = content.map((b) => (typeof b.text === 'string' ? b.text : '')).join('');
  const u = res.usage;
  const invokedModel = res.trace?.promptRouter?.invokedModelId;
  return {
    output,
    usage: {
      inputTokens: u?.inputTokens ?? 0,
      outputTokens: u?.outputTokens ?? 0,
      cacheReadTokens: u?.cacheReadInputTokens ?? 0,
      cacheWriteTokens: u?.cacheWriteInputTokens ?? 0,
    },
    latencyMs,
    ...(invokedModel ? { invokedModel } : {}),
    raw: { stopReason: res.stopReason, metrics: res.metrics },
  };
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  /** The SDK's own retry hint: `{ throttling: true }` on throttling exceptions. */
  $retryable?: { throttling?: boolean };
}

/** SDK exception → typed provider error. Deserialization failures (cut-off or non-JSON bodies) are transient. */
function fromSdkError(e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  if (status === undefined) {
    if (err.$response !== undefined || /deserializ|JSON|Unexpected token|Unexpected end/i.test(err.message ?? '')) {
      return new TransientError(`MalformedResponse: ${oneLine(err.message ?? 'unparseable response body')}`, { code: 'MalformedResponse', cause: e });
    }
    if (err.name === 'CredentialsProviderError' || /credential|region is missing/i.test(err.message ?? '')) {
      // Not retryable: configuration. The message names the missing piece, not the secret.
      return new ValidationError(`${err.name && err.name !== 'Error' ? err.name : 'ConfigError'}: ${oneLine(err.message ?? 'credentials or region missing')}`, { code: err.name ?? 'ConfigError', status: undefined, cause: e });
    }
    return networkError(e);
  }
  const code = err.name && err.name !== 'Error' && err.name !== 'BedrockRuntimeServiceException' ? err.name : undefined;
  if (status >= 200 && status < 300) {
    return new TransientError(`MalformedResponse (${status}): ${oneLine(err.message ?? 'unparseable response body')}`, { code: 'MalformedResponse', status, cause: e });
  }
  const wait = retryAfterMs(err.$response?.headers);
  // The SDK marks throttling exceptions (whatever their name) with $retryable.throttling.
  if (err.$retryable?.throttling && status !== 429) return new ThrottledError(`${code ?? 'Throttling'} (${status}): ${oneLine(err.message ?? '') || 'no message'}`, { code: code ?? 'Throttling', status, cause: e, retryAfterMs: wait });
  return errorFromResponse(status, code, err.message ?? '', e, wait);
}

export function createBedrockClient(tier: TierConfig, opts: ClientOptions): BedrockClient {
  const env = opts.env ?? {};
  return new BedrockClient({
    model: tier.model,
    region: tier.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    profile: tier.profile,
    endpoint: tier.endpointUrl,
    concurrency: opts.concurrency,
  });
}
