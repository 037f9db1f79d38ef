import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** What the upstream saw of one proxied request. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for Metabase / dbt-docs: echoes requests, streams on demand, echoes WebSocket messages. */
export interface Upstream {
  url: string;
  /** Every request it answered, in order. */
  requests: UpstreamRequest[];
  /** Lets the pending `/stream` response write its second chunk and end. */
  releaseStream(): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and resolves with the server's base URL. */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

/** Closes a server, dropping idle keep-alive connections so it settles promptly. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/**
 * Starts the upstream. `GET /stream` writes `first\n`, then waits for `releaseStream()` before
 * `second\n`, so a test can prove the proxy forwards chunks before the upstream finishes.
 */
export async function startUpstream(): Promise<Upstream> {
  const requests: UpstreamRequest[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(seen);
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first\n');
        void released.then(() => res.end('second\n'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ method: seen.method, url: seen.url, content_type: req.headers['content-type'] ?? null, body: seen.body }));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    socket.on('message', (data) => socket.send(`echo ${req.url}: ${String(data)}`));
  });
  const url = await listen(server);
  return {
    url,
    requests,
    releaseStream: () => release(),
    close: async () => {
      release();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

/** A URL on which nothing listens (a port that was free a moment ago). */
export async function deadUpstreamUrl(): Promise<string> {
  const server = http.createServer();
  const url = await listen(server);
  await closeServer(server);
  return url;
}
