import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createProxy, upstreamUrl, type Proxy, type ProxyOptions } from '../../src/node/proxy';
import { closeServer, deadUrl, listen, pollUntil, refusedHandshake, TestClient, within } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** What the echo upstream saw of a request. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  length: number;
  sha256: string;
}

async function serve(server: http.Server): Promise<string> {
  const url = await listen(server);
  cleanups.push(() => closeServer(server));
  return url;
}

/** An upstream that answers every request with a description of it, plus a WebSocket echo. */
async function startEchoUpstream(): Promise<string> {
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const seen: Seen = { method: req.method!, url: req.url!, headers: req.headers, length, sha256: hash.digest('hex') };
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'yes', connection: 'x-hop-out', 'x-hop-out': 'secret' });
      res.end(JSON.stringify(seen));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    ws.send(`path ${req.url}`);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  cleanups.push(() => {
    for (const client of wss.clients) client.terminate();
  });
  return serve(server);
}

/** The host: strips `/metabase` like the mount does, and hands requests and upgrades to the proxy. */
async function startHost(target: string, options: ProxyOptions = {}, handle?: (req: http.IncomingMessage, res: http.ServerResponse, proxy: Proxy) => void) {
  const proxy = createProxy(options);
  const pending: Array<Promise<void>> = [];
  const server = http.createServer((req, res) => {
    if (handle) handle(req, res, proxy);
    else pending.push(proxy.web(req, res, target, stripPrefix(req.url!)));
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => proxy.ws(req, socket, head, target, stripPrefix(req.url!)));
  const url = await serve(server);
  cleanups.push(() => proxy.close());
  return { url, proxy, server, pending };
}

function stripPrefix(url: string): string {
  const rest = url.slice('/metabase'.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('createProxy: HTTP', () => {
  it('forwards a GET with the prefix-stripped path and query, forwarding headers and no hop-by-hop ones', async () => {
    const upstream = await startEchoUpstream();
    const { url, pending } = await startHost(upstream);
    // node:http rather than fetch, which refuses to send a custom Connection header.
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const headers = { 'x-custom': 'kept', connection: 'keep-alive, x-hop-in', 'x-hop-in': 'dropped', 'proxy-authorization': 'Basic x' };
      http.get(`${url}/metabase/api/card/1?a=1&b=two%20words`, { headers, agent: false }, resolve).on('error', reject);
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['x-hop-out']).toBeUndefined();
    let body = '';
    for await (const part of res) body += String(part);
    const seen = JSON.parse(body) as Seen;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/api/card/1?a=1&b=two%20words');
    expect(seen.headers.host).toBe(new URL(upstream).host);
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers['x-hop-in']).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(url).host);
    await Promise.all(pending); // web() settles once the response is done
  });

  it('joins a target base path and keeps a path that looks like another host on the target', async () => {
    const upstream = await startEchoUpstream();
    const { url } = await startHost(`${upstream}/base/`);
    expect((await json<Seen>(await fetch(`${url}/metabase/x/y?q=1`))).url).toBe('/base/x/y?q=1');
    expect((await json<Seen>(await fetch(`${url}/metabase`))).url).toBe('/base/');
    expect(upstreamUrl('http://127.0.0.1:3000', '//evil.example/steal?x=1').href).toBe('http://127.0.0.1:3000//evil.example/steal?x=1');
    expect(upstreamUrl('http://127.0.0.1:3000/base', 'x?y=1#frag').href).toBe('http://127.0.0.1:3000/base/x?y=1%23frag');
  });

  it('streams a large POST body upstream before the client has finished sending it', async () => {
    let firstChunk!: () => void;
    const firstChunkArrived = new Promise<void>((resolve) => (firstChunk = resolve));
    const upstream = http.createServer((req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (chunk: Buffer) => {
        if (length === 0) firstChunk();
        length += chunk.length;
        hash.update(chunk);
      });
      req.on('end', () => res.end(JSON.stringify({ length, sha256: hash.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
    });
    const { url } = await startHost(await serve(upstream));

    const chunk = Buffer.alloc(1024 * 1024, 7);
    const expected = createHash('sha256');
    const answer = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${url}/metabase/upload`, { method: 'POST' }, resolve);
      req.on('error', reject);
      req.write(chunk);
      expected.update(chunk);
      // The rest is only sent once the upstream has seen the start: a buffering proxy would deadlock here.
      void within(firstChunkArrived, 10_000, 'the first chunk upstream').then(() => {
        for (let i = 0; i < 7; i++) {
          req.write(chunk);
          expected.update(chunk);
        }
        req.end();
      }, reject);
    });
    const res = await answer;
    let body = '';
    for await (const part of res) body += String(part);
    expect(JSON.parse(body)).toEqual({ length: 8 * chunk.length, sha256: expected.digest('hex'), te: 'chunked' });
  });

  it('streams a chunked upstream response to the client chunk by chunk', async () => {
    let clientGotFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (clientGotFirst = resolve));
    const upstream = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      // The second chunk waits for the client to have the first: only a streaming proxy lets this finish.
      void within(firstSeen, 10_000, 'the first chunk at the client').then(() => res.end('second'), () => res.destroy());
    });
    const { url } = await startHost(await serve(upstream));
    const res = await fetch(`${url}/metabase/stream`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe('first;');
    clientGotFirst();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += decoder.decode(part.value);
    expect(rest).toBe('second');
  });

  it('re-sends a body the host already parsed, with a matching content-length', async () => {
    const upstream = await startEchoUpstream();
    const { url } = await startHost(upstream, {}, (req, res, proxy) => {
      // Like a host JSON body parser: the stream is consumed before the proxy sees the request.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
        void proxy.web(req, res, upstream, stripPrefix(req.url!), Buffer.from(JSON.stringify(parsed)));
      });
    });
    const payload = JSON.stringify({ name: 'café ☕', n: [1, 2, 3] });
    // Sent chunked (a stream body) so the re-sent request must switch to a content-length.
    const res = await fetch(`${url}/metabase/api/dataset?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([payload]).stream(),
      duplex: 'half',
    } as RequestInit);
    const seen = await json<Seen>(res);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/dataset?x=1');
    expect(seen.length).toBe(Buffer.byteLength(payload));
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    expect(seen.sha256).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('answers 502 {"detail"} naming the service when the upstream is down', async () => {
    const target = await deadUrl();
    const named = await startHost(target, { serviceName: () => 'Metabase' });
    const res = await fetch(`${named.url}/metabase/api/health`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/json');
    const { detail } = await json<{ detail: string }>(res);
    expect(detail).toMatch(/^Metabase is unavailable: .*ECONNREFUSED/);
    await Promise.all(named.pending);

    const anonymous = await startHost(target);
    const other = await fetch(`${anonymous.url}/metabase/`);
    expect(other.status).toBe(502);
    expect((await json<{ detail: string }>(other)).detail).toMatch(`The upstream at ${target} is unavailable:`);
  });

  it('answers 502 for a target that is not an http(s) URL, without connecting anywhere', async () => {
    for (const target of ['ftp://127.0.0.1:21', 'not a url']) {
      const { url } = await startHost(target);
      const res = await fetch(`${url}/metabase/x`);
      expect(res.status).toBe(502);
      expect((await json<{ detail: string }>(res)).detail).toMatch(/is unavailable: (invalid upstream URL|upstream URL .* must use http or https)/);
    }
  });

  it('answers 502 when the upstream stays silent past the timeout', async () => {
    const silent = http.createServer(() => undefined);
    const { url } = await startHost(await serve(silent), { timeoutMs: 200 });
    const res = await fetch(`${url}/metabase/slow`);
    expect(res.status).toBe(502);
    expect((await json<{ detail: string }>(res)).detail).toMatch(/is unavailable: no response within 0.2 s/);
    silent.closeAllConnections();
  });

  it('cuts the response instead of hanging when the upstream dies after sending headers', async () => {
    const upstream = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    const { url, pending } = await startHost(await serve(upstream));
    const res = await fetch(`${url}/metabase/x`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    await Promise.all(pending);
  });
});

describe('createProxy: keep-alive and teardown', () => {
  it('reuses one upstream connection and close() releases it', async () => {
    const upstream = http.createServer((_req, res) => res.end('ok'));
    upstream.keepAliveTimeout = 60_000; // only the proxy may end these connections
    let connections = 0;
    upstream.on('connection', () => connections++);
    const { url, proxy } = await startHost(await serve(upstream));
    for (let i = 0; i < 5; i++) expect(await (await fetch(`${url}/metabase/${i}`)).text()).toBe('ok');
    expect(connections).toBe(1);

    const openUpstreamConnections = () => new Promise<number>((resolve, reject) => upstream.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    expect(await openUpstreamConnections()).toBe(1);
    proxy.close();
    let open = 1;
    await pollUntil(() => {
      void openUpstreamConnections().then((n) => (open = n));
      return open === 0;
    }, 'the pooled upstream connection to close', 5_000);
  });
});

describe('createProxy: withheld headers', () => {
  it('never sends a withheld header upstream, over HTTP or in a WebSocket handshake', async () => {
    const seenWs: Array<string | undefined> = [];
    const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      seenWs.push(req.headers.authorization);
      ws.send('hi');
    });
    cleanups.push(() => {
      for (const client of wss.clients) client.terminate();
    });
    const upstream = await serve(server);
    const { url } = await startHost(upstream, { withholdHeaders: ['authorization'] });
    const headers = { authorization: 'Bearer dango-secret', 'x-metabase-session': 's1' };
    const seen = await json<http.IncomingHttpHeaders>(await fetch(`${url}/metabase/api/user/current`, { headers }));
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-metabase-session']).toBe('s1');
    const client = await TestClient.connect(`${url.replace('http', 'ws')}/metabase/socket`, { headers });
    cleanups.push(() => client.close());
    await client.received(1);
    expect(seenWs).toEqual([undefined]);
  });
});

describe('createProxy: WebSocket', () => {
  it('tunnels a WebSocket to the upstream with the prefix stripped, both ways, text and binary', async () => {
    const upstream = await startEchoUpstream();
    const { url } = await startHost(upstream);
    const client = await TestClient.connect(`${url.replace('http', 'ws')}/metabase/socket?room=1`);
    cleanups.push(() => client.close());
    await client.received(1);
    expect(client.messages[0]).toBe('path /socket?room=1');
    client.ws.send('hello');
    client.ws.send(Buffer.from([1, 2, 3]));
    await client.received(3);
    expect(client.messages[1]).toBe('hello');
    expect([...Buffer.from(client.messages[2]!, 'binary')]).toEqual([1, 2, 3]);
  });

  it('answers a failed upgrade with HTTP 502 and a JSON detail on the socket', async () => {
    const { url } = await startHost(await deadUrl(), { serviceName: () => 'dbt docs' });
    const { status, body } = await refusedHandshake(`${url.replace('http', 'ws')}/metabase/socket`);
    expect(status).toBe(502);
    expect(JSON.parse(body)).toEqual({ detail: expect.stringMatching(/^dbt docs is unavailable: .*ECONNREFUSED/) });
  });

  it('relays the answer of an upstream that refuses the upgrade', async () => {
    const plain = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no sockets here'));
    const { url } = await startHost(await serve(plain));
    expect(await refusedHandshake(`${url.replace('http', 'ws')}/metabase/socket`)).toEqual({ status: 404, body: 'no sockets here' });
  });

  it('close() cuts open tunnels and later requests get 502', async () => {
    const upstream = await startEchoUpstream();
    const { url, proxy } = await startHost(upstream);
    const client = await TestClient.connect(`${url.replace('http', 'ws')}/metabase/socket`);
    await client.received(1);
    proxy.close();
    expect((await client.closed).code).toBe(1006);
    const res = await fetch(`${url}/metabase/x`);
    expect(res.status).toBe(502);
    expect((await json<{ detail: string }>(res)).detail).toMatch(/the proxy is closed/);
    expect((await refusedHandshake(`${url.replace('http', 'ws')}/metabase/socket`)).status).toBe(502);
  });
});
