import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCostsReport } from '../../src/app/costs.js';
import { buildRequest, fetchCostAndUsage, toTokorError } from '../../src/providers/costExplorer.js';
import { RuntimeFailure, UsageError } from '../../src/errors.js';
import {
  type CostExplorerServer,
  GROUP_DEFINITIONS,
  JSON_11,
  type Responder,
  resultByTime,
  startCostExplorerServer,
} from '../helpers/cost-explorer-server.js';

// The default credential chain reads these (env provider first); nothing else is configured.
// A made-up key in the AWS shape, assembled so that no key-shaped literal is tracked.
const ACCESS_KEY = ['AKIA', 'TOKORTESTKEY0001'].join('');
const SECRET_KEY = 'tokor-test-secret-never-printed-0123456789';
const saved: Record<string, string | undefined> = {};
const ENV = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY,
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: 'eu-west-3', // must be ignored: Cost Explorer lives in us-east-1
  AWS_CONFIG_FILE: '/nonexistent/tokor-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/tokor-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
beforeAll(() => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let server: CostExplorerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(responder: Responder): Promise<CostExplorerServer> {
  server = await startCostExplorerServer(responder);
  return server;
}

const RANGE = { start: '2025-11-01', end: '2025-11-04' };
const NOW = new Date('2025-11-21T12:00:00Z');
const noSleep = async () => {};

const page1 = {
  GroupDefinitions: GROUP_DEFINITIONS,
  ResultsByTime: [
    resultByTime('2025-11-01', '2025-11-02', [
      ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_Global-Units', '3', '1'],
      ['Amazon Bedrock', 'USE1-NovaLite-input-tokens', '0.06', '1000'],
    ]),
    resultByTime('2025-11-02', '2025-11-03', [['Amazon Bedrock', 'USE1-NovaLite-output-tokens', '0.24', '1000']]),
  ],
  NextPageToken: 'token-page-2',
  DimensionValueAttributes: [],
};
const page2 = {
  GroupDefinitions: GROUP_DEFINITIONS,
  ResultsByTime: [
    resultByTime('2025-11-02', '2025-11-03', [['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_OutputTokenCount_Global-Units', '15', '1']]),
    resultByTime('2025-11-03', '2025-11-04', [['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'USE1-MP:USE1_InputTokenCount_Global-Units', '0.3', '0.1']], true),
  ],
  DimensionValueAttributes: [],
};

describe('the real CostExplorerClient against a local JSON 1.1 endpoint', () => {
  it('sends the documented request, follows NextPageToken and reads every page', async () => {
    const s = await serve((_req, n) => ({ body: n === 0 ? page1 : page2 }));
    const progress: unknown[] = [];
    const r = await loadCostsReport({ ...RANGE, endpoint: s.url, now: NOW, onProgress: (p) => progress.push(p) });

    expect(s.requests).toHaveLength(2);
    const [first, second] = s.requests;
    expect(first!.method).toBe('POST');
    expect(first!.path).toBe('/');
    expect(first!.target).toBe('AWSInsightsIndexService.GetCostAndUsage');
    expect(first!.contentType).toBe(JSON_11);
    // SigV4 with the env credentials, scoped to Cost Explorer in us-east-1.
    expect(first!.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/us-east-1/ce/aws4_request`));
    expect(first!.body).toEqual({
      TimePeriod: { Start: '2025-11-01', End: '2025-11-04' },
      Granularity: 'DAILY',
      Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } },
      Metrics: ['UnblendedCost', 'UsageQuantity'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
      ],
    });
    expect(first!.body.NextPageToken).toBeUndefined();
    expect(second!.body).toEqual({ ...first!.body, NextPageToken: 'token-page-2' });

    expect(progress).toEqual([
      { page: 1, groups: 3, periods: 2, more: true },
      { page: 2, groups: 2, periods: 2, more: false },
    ]);
    expect(r.source).toEqual({ kind: 'live', endpoint: s.url, pages: 2 });
    expect(r.period).toEqual(RANGE);
    expect(r.bedrock.totalUsd).toBe(18.6);
    expect(r.bedrock.byPeriod.map((p) => [p.start, p.totalUsd, p.estimated])).toEqual([
      ['2025-11-01', 3.06, false],
      ['2025-11-02', 15.24, false],
      ['2025-11-03', 0.3, true],
    ]);
    expect(r.estimated).toBe(true);
    expect(r.bedrock.byModel.map((m) => [m.model, m.costUsd])).toEqual([
      ['anthropic.claude-sonnet-4-5', 18.3],
      ['amazon.nova-lite', 0.3],
    ]);
  });

  it('asks for AmortizedCost with --amortized and reports it', async () => {
    const s = await serve(() => ({
      body: {
        GroupDefinitions: GROUP_DEFINITIONS,
        ResultsByTime: [
          {
            TimePeriod: { Start: '2025-10-01', End: '2025-11-01' },
            Groups: [{ Keys: ['Amazon Bedrock', 'USE1-NovaPro-input-tokens'], Metrics: { UnblendedCost: { Amount: '10', Unit: 'USD' }, AmortizedCost: { Amount: '7.25', Unit: 'USD' }, UsageQuantity: { Amount: '12500', Unit: 'N/A' } } }],
            Estimated: false,
          },
        ],
      },
    }));
    const r = await loadCostsReport({ start: '2025-10-01', end: '2025-11-01', granularity: 'MONTHLY', amortized: true, endpoint: s.url, now: NOW });
    expect(s.requests[0]!.body.Metrics).toEqual(['UnblendedCost', 'AmortizedCost', 'UsageQuantity']);
    expect(s.requests[0]!.body.Granularity).toBe('MONTHLY');
    expect(r.metric).toBe('AmortizedCost');
    expect(r.bedrock.totalUsd).toBe(7.25);
  });

  it('asks for NetUnblendedCost / NetAmortizedCost with --net and reports it', async () => {
    const metrics = { UnblendedCost: '10', AmortizedCost: '7.25', NetUnblendedCost: '9.1', NetAmortizedCost: '6.6' };
    const s = await serve(() => ({
      body: {
        GroupDefinitions: GROUP_DEFINITIONS,
        ResultsByTime: [
          {
            TimePeriod: { Start: '2025-10-01', End: '2025-11-01' },
            Groups: [{ Keys: ['Amazon Bedrock', 'USE1-NovaPro-input-tokens'], Metrics: { ...Object.fromEntries(Object.entries(metrics).map(([m, a]) => [m, { Amount: a, Unit: 'USD' }])), UsageQuantity: { Amount: '12500', Unit: 'N/A' } } }],
            Estimated: false,
          },
        ],
      },
    }));
    const range = { start: '2025-10-01', end: '2025-11-01', granularity: 'MONTHLY' as const, endpoint: s.url, now: NOW };
    const net = await loadCostsReport({ ...range, net: true });
    expect(s.requests[0]!.body.Metrics).toEqual(['UnblendedCost', 'NetUnblendedCost', 'UsageQuantity']);
    expect([net.metric, net.bedrock.totalUsd]).toEqual(['NetUnblendedCost', 9.1]);
    const both = await loadCostsReport({ ...range, net: true, amortized: true });
    expect(s.requests[1]!.body.Metrics).toEqual(['UnblendedCost', 'NetAmortizedCost', 'UsageQuantity']);
    expect([both.metric, both.bedrock.totalUsd]).toEqual(['NetAmortizedCost', 6.6]);
  });

  it('retries LimitExceededException with backoff, then succeeds', async () => {
    const s = await serve((_req, n) => (n < 2 ? { error: 'LimitExceededException', message: 'Rate exceeded' } : { body: page2 }));
    const slept: number[] = [];
    const out = await fetchCostAndUsage({ range: RANGE, granularity: 'DAILY', endpoint: s.url, sleep: async (ms) => void slept.push(ms) });
    expect(s.requests).toHaveLength(3);
    expect(slept).toEqual([1000, 2000]);
    expect(out.retries).toBe(2);
    expect(out.pages).toHaveLength(1);
    // Each retry repeats the same request.
    expect(s.requests[2]!.body).toEqual(s.requests[0]!.body);
  });

  it('gives up after the retry budget with a runtime error', async () => {
    const s = await serve(() => ({ error: 'LimitExceededException', message: 'Rate exceeded' }));
    const err = await fetchCostAndUsage({ range: RANGE, granularity: 'DAILY', endpoint: s.url, sleep: noSleep, maxRetries: 2 }).catch((e: unknown) => e);
    expect(s.requests).toHaveLength(3);
    expect(err).toBeInstanceOf(RuntimeFailure);
    expect((err as Error).message).toBe('Cost Explorer kept throttling (LimitExceededException) after 2 retries: try again later');
  });

  it.each([
    ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ce:GetCostAndUsage', RuntimeFailure, 3, /^Cost Explorer denied access: User: arn:aws:iam::123456789012:user\/dev is not authorized to perform: ce:GetCostAndUsage \(the credentials need ce:GetCostAndUsage/],
    ['DataUnavailableException', 'Data is not available.', RuntimeFailure, 3, /^Cost Explorer has no data for this request: Data is not available\. \(just enabled\?/],
    ['ValidationException', 'start date is too old', UsageError, 2, /^Cost Explorer rejected the request: start date is too old$/],
    ['BillExpirationException', 'expired', UsageError, 2, /period has expired/],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', RuntimeFailure, 3, /rejected the credentials/],
  ] as const)('%s becomes one clear line (exit %#)', async (type, message, cls, exit, pattern) => {
    const s = await serve(() => ({ error: type, message }));
    const err = await loadCostsReport({ ...RANGE, endpoint: s.url, now: NOW, sleep: noSleep }).catch((e: unknown) => e);
    expect(s.requests).toHaveLength(1); // no retries for these
    expect(err).toBeInstanceOf(cls);
    expect((err as RuntimeFailure).exitCode).toBe(exit);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toMatch(/\n/);
    expect((err as Error).message).not.toContain(SECRET_KEY);
    expect((err as Error).message).not.toContain(ACCESS_KEY);
  });

  it('reports an unreachable endpoint as a runtime failure', async () => {
    const s = await serve(() => ({ body: page2 }));
    const url = s.url;
    await s.close();
    server = undefined;
    const err = await loadCostsReport({ ...RANGE, endpoint: url, now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeFailure);
    expect((err as Error).message).toMatch(/^cannot reach Cost Explorer \(ECONNREFUSED\)/);
  });

  it('stops when an endpoint repeats a NextPageToken', async () => {
    const s = await serve(() => ({ body: { ...page2, NextPageToken: 'same' } }));
    await expect(fetchCostAndUsage({ range: RANGE, granularity: 'DAILY', endpoint: s.url })).rejects.toThrow(/same NextPageToken twice/);
    expect(s.requests).toHaveLength(2);
  });

  it('checks the range and endpoint before calling AWS', async () => {
    const s = await serve(() => ({ body: page2 }));
    await expect(loadCostsReport({ start: '2024-01-01', end: '2024-02-01', endpoint: s.url, now: NOW })).rejects.toThrow(/too far back for DAILY/);
    await expect(loadCostsReport({ ...RANGE, endpoint: 'ftp://x', now: NOW })).rejects.toThrow(/--endpoint-url "ftp:\/\/x" is not an http\(s\) URL/);
    expect(s.requests).toHaveLength(0);
  });
});

describe('error mapping without a server', () => {
  it('maps missing credentials to a usage error and masks key-like strings', () => {
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(toTokorError(noCreds)).toBeInstanceOf(UsageError);
    expect(toTokorError(noCreds, 0, 'billing').message).toMatch(/^no AWS credentials for profile "billing"/);
    const leaky = Object.assign(new Error(`bad key ${'AKIA'}ABCDEFGHIJKLMNOP here`), { name: 'SomethingElse' });
    expect(toTokorError(leaky).message).toBe('Cost Explorer request failed (SomethingElse): bad key [access key] here');
  });

  it('builds the request shape the docs describe', () => {
    expect(buildRequest(RANGE, 'MONTHLY').Filter).toEqual({ Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } });
  });
});
