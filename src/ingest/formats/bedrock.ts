/** Amazon Bedrock model-invocation logs (S3 or CloudWatch Logs delivery), one record per line. */
import { parseBedrockRecord } from '../parseBedrockRecord.js';
import type { LogFormat } from './types.js';

export const bedrock: LogFormat = {
  title: 'Amazon Bedrock model-invocation logs',
  inputTokens: 'excludes-cache',
  inputField: 'input.inputTokenCount',
  detect: (obj) => (obj.schemaType === 'ModelInvocationLog' ? 3 : typeof obj.modelId === 'string' ? 2 : 0),
  parse: (obj, loc) => parseBedrockRecord(obj, loc),
};
