import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API received. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a handler answers: a JSON body (or raw text), status and headers. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  text?: string;
}

/** A local JSON API on 127.0.0.1:0 whose answers a test decides; it records every request. */
export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a fake API answering with `handler`. */
export async function startFakeApi(handler: (req: SeenRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeApi> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const seen = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake.test'), headers: req.headers, body };
      requests.push(seen);
      try {
        const a = await handler(seen);
        const text = a.text ?? JSON.stringify(a.body ?? null);
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
        res.end(text);
      } catch (err) {
        res.writeHead(599);
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
