/**
 * A local Cost Explorer: node:http on 127.0.0.1 speaking the AWS JSON 1.1
 * protocol (POST /, X-Amz-Target: AWSInsightsIndexService.<Operation>,
 * Content-Type: application/x-amz-json-1.1, errors as {"__type", "message"}).
 * Tests drive the real CostExplorerClient against it and read what it received.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ReceivedRequest {
  method: string;
  path: string;
  target: string;
  contentType: string;
  authorization: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** What the server answers: a GetCostAndUsage response body, or an AWS error. */
type Reply =
  | { body: Record<string, unknown> }
  | { error: string; message: string; status?: number };

/** Picks the reply for the n-th request (0-based). */
export type Responder = (req: ReceivedRequest, n: number) => Reply;

export interface CostExplorerServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export const JSON_11 = 'application/x-amz-json-1.1';

export async function startCostExplorerServer(responder: Responder): Promise<CostExplorerServer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = { __unparsable: true };
      }
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        target: String(req.headers['x-amz-target'] ?? ''),
        contentType: String(req.headers['content-type'] ?? ''),
        authorization: String(req.headers.authorization ?? ''),
        headers: req.headers,
        body,
      };
      requests.push(received);
      let reply: Reply;
      if (received.method !== 'POST' || received.target !== 'AWSInsightsIndexService.GetCostAndUsage') {
        reply = { error: 'UnknownOperationException', message: `unexpected ${received.method} ${received.target}`, status: 400 };
      } else {
        reply = responder(received, requests.length - 1);
      }
      const payload =
        'body' in reply
          ? JSON.stringify(reply.body)
          : JSON.stringify({ __type: `com.amazonaws.costexplorer#${reply.error}`, message: reply.message });
      res.writeHead('body' in reply ? 200 : (reply.status ?? 400), {
        'content-type': JSON_11,
        'x-amzn-requestid': `req-${requests.length}`,
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** One ResultsByTime entry grouped by SERVICE and USAGE_TYPE. */
export function resultByTime(
  start: string,
  end: string,
  groups: [service: string, usageType: string, cost: string, quantity: string][],
  estimated = false,
): Record<string, unknown> {
  return {
    TimePeriod: { Start: start, End: end },
    Total: {},
    Groups: groups.map(([service, usageType, cost, quantity]) => ({
      Keys: [service, usageType],
      Metrics: { UnblendedCost: { Amount: cost, Unit: 'USD' }, UsageQuantity: { Amount: quantity, Unit: 'N/A' } },
    })),
    Estimated: estimated,
  };
}

export const GROUP_DEFINITIONS = [
  { Type: 'DIMENSION', Key: 'SERVICE' },
  { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
];
