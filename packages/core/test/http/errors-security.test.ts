import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuthorizer } from '../../src/node/bearer-token';
import { getJson, startServer, type TestServer } from './helpers';

/** Opens a WebSocket and resolves with the handshake's HTTP status (101 on success) and first message. */
function tryWs(url: string, headers: Record<string, string> = {}): Promise<{ status: number; first?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('message', (data) => {
      resolve({ status: 101, first: data.toString() });
      ws.close();
    });
    ws.once('error', () => resolve({ status: -1 }));
  });
}

describe('errors through the node listener', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ maxJsonBytes: 256 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('404 JSON under /api with no route', async () => {
    expect(await getJson(`${s.url}/api/sources/x/nothing`)).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });

  it('405 with Allow for a wrong method', async () => {
    const r = await getJson(`${s.url}/api/status`, { method: 'DELETE' });
    expect(r).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(r.headers.get('allow')).toBe('GET, HEAD');
  });

  it('400 naming the query parameter for a bad limit', async () => {
    for (const bad of ['abc', '0', '1.5', '']) {
      const r = await getJson(`${s.url}/api/logs?limit=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.detail).toMatch(/^Invalid query parameter 'limit': /);
    }
  });

  it('accepts a good limit', async () => {
    const r = await getJson(`${s.url}/api/logs?limit=1`);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({ level: 'INFO', message: expect.stringContaining('Platform started') });
  });

  it('400 for query booleans other than true/false/1/0', async () => {
    const r = await getJson(`${s.url}/api/dbt/models/m/run?cascade=yes`, { method: 'POST' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe("Invalid query parameter 'cascade': must be one of 'true', 'false', '1', '0'");
  });

  it("accepts Python's spelling of query booleans (requests sends params={'cascade': False} as 'False')", async () => {
    for (const flag of ['True', 'False']) {
      const r = await getJson(`${s.url}/api/dbt/models/m/run?cascade=${flag}`, { method: 'POST' });
      expect(r).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/^Model 'm' not found/) } });
    }
  });

  it('400 for a body that is not JSON, not an object, or has bad field types and dates', async () => {
    const post = (body: string) => getJson(`${s.url}/api/sources/sales/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await post('{nope')).toMatchObject({ status: 400, body: { detail: 'Request body is not valid JSON' } });
    expect((await post('[1]')).body.detail).toMatch(/^Invalid request body: /);
    expect((await post('{"full_refresh":"yes"}')).body.detail).toMatch(/^Invalid body field 'full_refresh': /);
    expect((await post('{"start_date":"2024-1-1"}')).body.detail).toBe("Invalid body field 'start_date': must be a date as YYYY-MM-DD");
    expect((await post('{"end_date":"2024-02-30"}')).body.detail).toBe("Invalid body field 'end_date': is not a real calendar date");
  });

  it('413 for a JSON body over the limit, and the connection stays usable', async () => {
    const big = JSON.stringify({ full_refresh: false, pad: 'x'.repeat(1000) });
    const r = await getJson(`${s.url}/api/sources/sales/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(r).toMatchObject({ status: 413, body: { detail: 'JSON body exceeds the limit of 256 bytes' } });
    // Without a Content-Length the limit is enforced while reading.
    const streamed = await getJson(`${s.url}/api/sources/sales/sync`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await getJson(`${s.url}/api/config`)).status).toBe(200);
  });

  it('404 for an unknown source and model, from the platform', async () => {
    const details = await getJson(`${s.url}/api/sources/nope/details`);
    expect(details.status).toBe(404);
    expect(details.body.detail).toMatch(/nope/);
  });

  it('answers /ws without an upgrade with 426', async () => {
    expect((await getJson(`${s.url}/ws`)).status).toBe(426);
  });
});

describe('security: browser origins', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ allowedOrigins: ['https://dash.example.com/'] });
  });
  afterAll(async () => {
    await s.close();
  });
  const sync = (origin?: string) =>
    getJson(`${s.url}/api/sources/nope/sync`, { method: 'POST', headers: origin ? { origin } : {} });

  it('refuses state-changing requests from a foreign origin with 403', async () => {
    const r = await sync('https://evil.example');
    expect(r).toMatchObject({ status: 403, body: { detail: "Requests from origin 'https://evil.example' are not allowed" } });
    expect((await sync('null')).status).toBe(403);
    const del = await getJson(`${s.url}/api/sources/sales/csv-files?file_path=a.csv`, { method: 'DELETE', headers: { origin: 'http://evil.example' } });
    expect(del.status).toBe(403);
  });

  it('lets same-host, allow-listed and origin-less requests through to the route', async () => {
    const host = new URL(s.url).origin;
    expect((await sync(host)).status).toBe(404);
    expect((await sync('https://dash.example.com')).status).toBe(404);
    expect((await sync()).status).toBe(404);
  });

  it('lets foreign origins read (GET)', async () => {
    expect((await getJson(`${s.url}/api/config`, { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('refuses WebSocket upgrades from a foreign origin with 403 and accepts the same host', async () => {
    const ws = s.url.replace('http', 'ws') + '/ws';
    expect(await tryWs(ws, { origin: 'https://evil.example' })).toEqual({ status: 403 });
    const ok = await tryWs(ws, { origin: new URL(s.url).origin });
    expect(ok.status).toBe(101);
    expect(JSON.parse(ok.first!).type).toBe('connected');
  });
});

describe('security: a bearer token stays with Dango', () => {
  it('does not forward the Authorization header that authorized the request to Metabase', async () => {
    const upstream = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const s = await startServer({
      authorize: bearerTokenAuthorizer('t0ken'),
      proxies: { metabase: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` },
    });
    try {
      expect((await getJson(`${s.url}/metabase/api/health`)).status).toBe(401);
      const seen = await getJson(`${s.url}/metabase/api/health`, { headers: { authorization: 'Bearer t0ken', 'x-metabase-session': 's1' } });
      expect(seen.status).toBe(200);
      expect(seen.body.authorization).toBeUndefined();
      expect(seen.body['x-metabase-session']).toBe('s1');
    } finally {
      await s.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe('security: CORS with an authorize hook', () => {
  it('answers an allow-listed preflight without credentials (browsers send none), then guards the request itself', async () => {
    const s = await startServer({ authorize: bearerTokenAuthorizer('t0ken'), allowedOrigins: ['https://app.example'] });
    try {
      const preflight = await fetch(`${s.url}/api/sources`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
      const refused = await getJson(`${s.url}/api/sources`, { headers: { origin: 'https://app.example' } });
      expect(refused).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } });
      expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const ok = await getJson(`${s.url}/api/sources`, { headers: { origin: 'https://app.example', authorization: 'Bearer t0ken' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
      // Outside /api (docs, proxies) there is no CORS.
      const docs = await fetch(`${s.url}/manifest.json`, { headers: { origin: 'https://app.example', authorization: 'Bearer t0ken' } });
      expect(docs.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('security: authorize hook', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ prefix: '/dango', authorize: async (req) => req.headers['x-key'] === 'k1' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('401 for every Dango path without credentials', async () => {
    for (const path of ['/api/status', '/api/docs', '/api/openapi.json', '/dbt-docs/', '/manifest.json', '/metabase/x']) {
      expect(await getJson(`${s.url}${path}`)).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } });
    }
  });

  it('serves with credentials', async () => {
    expect((await getJson(`${s.url}/api/config`, { headers: { 'x-key': 'k1' } })).status).toBe(200);
  });

  it('does not guard paths that are not Dango', async () => {
    expect((await getJson(`${s.url.replace('/dango', '')}/api/status`)).body).toEqual({ detail: 'Not Found' });
  });

  it('401 on the socket for /ws without credentials; 101 with them', async () => {
    const ws = s.url.replace('http', 'ws') + '/ws';
    expect(await tryWs(ws)).toEqual({ status: 401 });
    expect((await tryWs(ws, { 'x-key': 'k1' })).status).toBe(101);
  });

  it('refuses foreign WebSocket paths with 404 in the standalone listener', async () => {
    expect(await tryWs(s.url.replace('http', 'ws') + '/elsewhere', { 'x-key': 'k1' })).toEqual({ status: 404 });
  });
});
