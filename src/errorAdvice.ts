/**
 * What a cloud or model-endpoint error means and what to do about it, in one
 * place: `tokor costs` (Cost Explorer), `tokor eval` and `tokor label` (Bedrock
 * and OpenAI-compatible endpoints) classify the same AWS and HTTP errors the
 * same way and give the same advice. Pure: no I/O.
 */

export type ErrorKind =
  /** No credentials could be found at all. */
  | 'no-credentials'
  /** Credentials were sent and rejected (unknown key, bad signature, 401). */
  | 'rejected-credentials'
  | 'expired-credentials'
  /** Authenticated but not allowed (IAM, model access not enabled, 403). */
  | 'access-denied'
  /** The model or resource does not exist there (wrong ID, wrong region, 404). */
  | 'not-found'
  | 'no-region'
  | 'network'
  | 'throttled'
  | 'timeout'
  | 'server'
  | 'recording-missing'
  | 'bad-request'
  | 'other';

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|UND_ERR_\w+|NetworkError|TypeError)$/;

/** Classifies an error by its wire type or code (ThrottlingException, ECONNREFUSED …), HTTP status and message. */
export function classifyError(code: string | undefined, status: number | undefined, message = ''): ErrorKind {
  const c = code ?? '';
  if (c === 'RecordingMissing') return 'recording-missing';
  if (c === 'CredentialsProviderError' || /could not load credentials|no credentials|credentials? (?:is|are) missing/i.test(message)) return 'no-credentials';
  if (/region is missing|missing region/i.test(message)) return 'no-region';
  if (c === 'ExpiredTokenException' || c === 'ExpiredToken' || /security token .*expired|token has expired/i.test(message)) return 'expired-credentials';
  if (/^(UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch|IncompleteSignatureException|invalid_api_key|authentication_error|AuthFailure)$/.test(c) || status === 401) return 'rejected-credentials';
  if (/^(AccessDeniedException|AccessDenied|UnauthorizedOperation|permission_denied|insufficient_quota)$/.test(c) || status === 403) return 'access-denied';
  if (/^(ThrottlingException|TooManyRequestsException|Throttling|rate_limit_exceeded|ServiceQuotaExceededException|LimitExceededException)$/.test(c) || status === 429) return 'throttled';
  if (/^(TimeoutError|RequestTimeout|RequestTimeoutException|ModelTimeoutException)$/.test(c) || status === 408) return 'timeout';
  if (/^(ResourceNotFoundException|model_not_found|NotFound)$/.test(c) || status === 404 || /model identifier is invalid|model .*does not exist|unknown model/i.test(message)) return 'not-found';
  if (NETWORK_CODES.test(c) || /socket hang up|fetch failed|getaddrinfo/i.test(message)) return 'network';
  if ((status !== undefined && status >= 500) || /^(InternalServerException|ServiceUnavailableException|ModelNotReadyException|ModelErrorException|MalformedResponse)$/.test(c)) return 'server';
  if (/^(ValidationException|invalid_request_error|BadRequest)$/.test(c) || status === 400) return 'bad-request';
  return 'other';
}

/** Where the error came from, for advice that names the right knob. */
export interface AdviceContext {
  service: 'bedrock' | 'openai' | 'replay' | 'cost-explorer';
  profile?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  model?: string | undefined;
}

/** Advice for AWS credentials that cannot be found (shared by costs and the Bedrock provider). */
export function noAwsCredentialsAdvice(profile?: string): string {
  return profile
    ? `no AWS credentials for profile ${JSON.stringify(profile)}: check ~/.aws/config (or run \`aws sso login --profile ${profile}\`)`
    : 'no AWS credentials found: set --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`';
}

/** What to do about an error of this kind, in one sentence; undefined when there is nothing useful to say. */
export function adviceFor(kind: ErrorKind, ctx: AdviceContext): string | undefined {
  const aws = ctx.service === 'bedrock' || ctx.service === 'cost-explorer';
  const where = ctx.endpoint ? ` (${ctx.endpoint})` : '';
  switch (kind) {
    case 'no-credentials':
      return aws ? noAwsCredentialsAdvice(ctx.profile) : 'set the API key: the tier\'s apiKeyEnv variable, or OPENAI_API_KEY';
    case 'rejected-credentials':
      return aws
        ? 'the AWS credentials were rejected: check the profile or the access key pair, and the machine\'s clock (signatures expire)'
        : `the endpoint${where} rejected the API key: check the tier's apiKeyEnv variable (or OPENAI_API_KEY)`;
    case 'expired-credentials':
      return `the session has expired: refresh it (\`aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}\`, or new temporary keys)`;
    case 'access-denied':
      if (ctx.service === 'cost-explorer') return 'the credentials need ce:GetCostAndUsage, and Cost Explorer must be enabled for the account';
      return aws
        ? `the credentials may not invoke ${ctx.model ?? 'this model'}${ctx.region ? ` in ${ctx.region}` : ''}: allow bedrock:InvokeModel for it and enable model access in the Bedrock console for that region`
        : `the endpoint${where} refused the request: check that the key may use ${ctx.model ?? 'this model'}`;
    case 'not-found':
      return aws
        ? `check the model ID${ctx.model ? ` ${ctx.model}` : ''} and that it is offered in ${ctx.region ?? 'the region'} (cross-region inference profile IDs start with us., eu., apac.)`
        : `check the model name and the endpoint URL${where} (it should end in /v1 or the gateway's base path)`;
    case 'no-region':
      return 'set a region: --region, the tier\'s region in tokor.config.yaml, or AWS_REGION';
    case 'network':
      return `cannot reach the endpoint${where}: check --endpoint-url (or the tier's baseUrl/endpointUrl), the network and any proxy`;
    case 'throttled':
      return ctx.service === 'cost-explorer' ? 'try again later' : 'the service kept throttling: lower --concurrency, or ask for a higher quota; --resume runs only what is missing';
    case 'timeout':
      return 'no answer in time: raise --timeout or lower --concurrency; --resume runs only what is missing';
    case 'server':
      return 'the service failed: try again later; --resume runs only what is missing';
    case 'recording-missing':
      return 'no recorded answer to replay: record one with --record DIR on a live run, or point --recordings at the recordings';
    case 'bad-request':
    case 'other':
      return undefined;
  }
}
