/**
 * Credentials out of everything tokor stores or prints. Servers echo request
 * headers in error bodies (a gateway's 401 that quotes `Authorization: Bearer
 * sk-…`, an AWS SignatureDoesNotMatch that quotes the canonical request), and
 * those messages end up in results.jsonl, labels and stderr. One function, used
 * by every error path: provider errors at construction, costs' service
 * messages, the CLI's notes and its one error handler.
 */

const R = '[redacted]';

/** [pattern, replacement]; patterns run in order, each on the previous one's output. */
const RULES: [RegExp, string][] = [
  // Authorization headers and bearer tokens, whatever the scheme.
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, `Bearer ${R}`],
  [/\bBasic\s+[A-Za-z0-9+/=]{12,}/g, `Basic ${R}`],
  [/\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(?!Bearer\b|Basic\b|AWS4-HMAC-SHA256\b)[^\s"',;]{8,}/gi, `$1$2${R}`],
  // AWS SigV4: Credential=AKIA…/date/region/service/aws4_request, SignedHeaders stay, Signature=hex.
  [/\b(Credential|X-Amz-Credential)(=|%3D)[^\s,&"']+/gi, `$1$2${R}`],
  [/\b(Signature|X-Amz-Signature)(=|%3D)[0-9a-fA-F]{16,}/gi, `$1$2${R}`],
  // Session tokens (header, query parameter, JSON or ini style).
  [/\b(x-amz-security-token|X-Amz-Security-Token|aws_session_token|SessionToken|session[_-]?token)(["']?\s*[:=]\s*["']?|%3D)[^\s"',;&]{8,}/gi, `$1$2${R}`],
  // Secret keys named as such.
  [/\b(aws_secret_access_key|SecretAccessKey|secret[_-]?access[_-]?key|client[_-]?secret)(["']?\s*[:=]\s*["']?)[^\s"',;&]{8,}/gi, `$1$2${R}`],
  // API keys named as such (x-api-key, api-key, api_key, apikey, key=…).
  [/\b(x-api-key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token)(["']?\s*[:=]\s*["']?)[^\s"',;&]{8,}/gi, `$1$2${R}`],
  [/([?&](?:key|token|sig|signature)=)[^\s&"']{8,}/gi, `$1${R}`],
  // Key shapes: OpenAI / Anthropic / most "sk-" keys, Google API keys, GitHub and Slack tokens, JWTs.
  [/\bsk-[A-Za-z0-9_-]{12,}/g, `sk-${R}`],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, R],
  [/\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/g, R],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, R],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, R],
  // AWS access key IDs (AKIA long-term, ASIA temporary, and the other principal prefixes).
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[access key]'],
];

/** The text with every credential-looking value replaced by "[redacted]" (access key IDs by "[access key]"). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}
