import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { createMount, type DangoMount, type MountOptions } from '../../src/node/mount';
import { getJson, makeProject } from './helpers';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads a whole request body. */
async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A host app with its own routes and WebSocket path; `/parsed/...` bodies are parsed by the host first. */
async function startHost(platform: DangoPlatform, options: MountOptions) {
  const mount = createMount(platform, options);
  const server = http.createServer(async (req, res) => {
    let parsed: unknown;
    if (req.headers['x-host-parses'] === '1') parsed = JSON.parse(await readBody(req));
    if (await mount.handle(req, res, parsed)) return;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`host:${req.url}`);
  });
  const hostWss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url === '/host-ws') hostWss.handleUpgrade(req, socket, head, (ws) => ws.send('host-hello'));
  });
  mount.attach(server);
  const url = await listen(server);
  return {
    url,
    mount,
    server,
    async close() {
      await mount.close();
      hostWss.close();
      await closeServer(server);
    },
  };
}

/** `GET /api/config` sent with the given Host header (fetch may not set it). */
function configWithHost(url: string, hostHeader: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { host: hostHeader }, agent: false }, async (res) => resolve(JSON.parse(await readBody(res)))).on('error', reject);
  });
}

function firstMessage(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', (data) => {
      resolve(data.toString());
      ws.close();
    });
    ws.once('error', reject);
  });
}

describe('createMount in a host app', () => {
  let dir: string;
  let platform: DangoPlatform;
  let upstream: http.Server;
  let upstreamUrl: string;
  let host: Awaited<ReturnType<typeof startHost>>;

  beforeAll(async () => {
    dir = await makeProject();
    platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: ':memory:' });
    upstream = http.createServer(async (req, res) => {
      const body = await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
    const upstreamWss = new WebSocketServer({ noServer: true });
    upstream.on('upgrade', (req, socket, head) => upstreamWss.handleUpgrade(req, socket, head, (ws) => ws.send(`upstream:${req.url}`)));
    upstreamUrl = await listen(upstream);
    host = await startHost(platform, { prefix: '/dango/', proxies: { metabase: upstreamUrl, dbtDocs: false }, allowedHosts: ['lan.example'] });
  });
  afterAll(async () => {
    await host.close();
    await closeServer(upstream);
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('normalises the prefix', () => {
    expect(host.mount.prefix).toBe('/dango');
  });

  it('leaves paths that are not Dango to the host', async () => {
    for (const p of ['/hello', '/dango', '/dango/other', '/dangox/api/status', '/api/status', '/dango/wsx']) {
      const res = await fetch(`${host.url}${p}`);
      expect(await res.text()).toBe(`host:${p}`);
    }
  });

  it('serves the API under the prefix and reports the URLs each client reached it at', async () => {
    const r = await getJson(`${host.url}/dango/api/config`);
    expect(r.status).toBe(200);
    expect(r.body.web_url).toBe(`${host.url}/dango`);
    expect(r.body.dbt_docs_url).toBe(`${host.url}/dango/dbt-docs/`);
    // Another allowed Host (a LAN name) gets its own URLs and changes nothing for anyone else; a forged one is refused.
    const other = await configWithHost(`${host.url}/dango/api/config`, 'lan.example:1234');
    expect(other).toMatchObject({ web_url: 'http://lan.example:1234/dango', web_port: 1234, api_url: 'http://lan.example:1234/dango/api' });
    expect(await configWithHost(`${host.url}/dango/api/config`, 'evil.example:1234')).toMatchObject({ detail: expect.stringMatching(/not allowed/) });
    expect((await getJson(`${host.url}/dango/api/config`)).body.web_url).toBe(`${host.url}/dango`);
  });

  it('reports the configured publicUrl whatever the Host', async () => {
    // The proxy in front forwards its own upstream name as Host, so the app allow-lists it.
    const behindProxy = await startHost(platform, { prefix: '/dango', publicUrl: 'https://data.example.com/dango/', allowedHosts: ['internal'] });
    try {
      const config = await configWithHost(`${behindProxy.url}/dango/api/config`, 'internal:8080');
      expect(config).toMatchObject({ web_url: 'https://data.example.com/dango', web_port: 443, dbt_docs_url: 'https://data.example.com/dango/dbt-docs/' });
    } finally {
      await behindProxy.close();
    }
  });

  it('uses a body the host already parsed', async () => {
    const r = await getJson(`${host.url}/dango/api/sources/sales/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-host-parses': '1' },
      body: JSON.stringify({ start_date: 'yesterday' }),
    });
    expect(r).toMatchObject({ status: 400, body: { detail: "Invalid body field 'start_date': must be a date as YYYY-MM-DD" } });
  });

  it('proxies /metabase/* with the prefix stripped and the query kept', async () => {
    const r = await getJson(`${host.url}/dango/metabase/api/card/1?x=1&y=2`);
    expect(r).toMatchObject({ status: 200, body: { method: 'GET', url: '/api/card/1?x=1&y=2' } });
    expect((await getJson(`${host.url}/dango/metabase`)).body.url).toBe('/');
  });

  it('re-sends a body the host parser already consumed, intact', async () => {
    const payload = { name: 'dashboard', tags: ['a', 'b'], n: 3 };
    const r = await getJson(`${host.url}/dango/metabase/api/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-host-parses': '1' },
      body: JSON.stringify(payload),
    });
    expect(r.status).toBe(200);
    expect(r.body.method).toBe('POST');
    expect(JSON.parse(r.body.body)).toEqual(payload);
  });

  it('streams an unparsed body to the upstream', async () => {
    const r = await getJson(`${host.url}/dango/metabase/echo`, { method: 'PUT', body: 'raw-bytes' });
    expect(r.body).toMatchObject({ method: 'PUT', url: '/echo', body: 'raw-bytes' });
  });

  it('proxies WebSocket upgrades under /metabase with the prefix stripped', async () => {
    expect(await firstMessage(`${host.url.replace('http', 'ws')}/dango/metabase/api/socket?x=1`)).toBe('upstream:/api/socket?x=1');
  });

  it('answers 404 JSON for a disabled proxy', async () => {
    for (const p of ['/dango/dbt-docs/', '/dango/manifest.json', '/dango/catalog.json']) {
      expect(await getJson(`${host.url}${p}`)).toMatchObject({ status: 404, body: { detail: 'dbt docs are disabled' } });
    }
  });

  it('sends platform events on /ws beside the host WebSocket route', async () => {
    const wsUrl = host.url.replace('http', 'ws');
    expect(await firstMessage(`${wsUrl}/host-ws`)).toBe('host-hello');
    const ws = new WebSocket(`${wsUrl}/dango/ws`);
    const messages: unknown[] = [];
    const gotEvent = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString());
        messages.push(msg);
        if (msg.type === 'connected') platform.context.emit('log', { level: 'INFO', message: 'hello from the test' });
        if (msg.type === 'log') resolve();
      });
      ws.once('error', reject);
    });
    await gotEvent;
    expect(messages[1]).toMatchObject({ type: 'log', message: 'hello from the test', level: 'INFO' });
    ws.close();
  });
});

describe('mount proxies from config, upstream down, and the built-in dbt docs', () => {
  let dir: string;
  let platform: DangoPlatform;
  let host: Awaited<ReturnType<typeof startHost>>;
  let deadUrl: string;

  beforeAll(async () => {
    dir = await makeProject();
    const dead = http.createServer();
    deadUrl = await listen(dead);
    await closeServer(dead);
    const projectFile = path.join(dir, '.dango/project.yml');
    fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace(/metabase_url:.*/, `metabase_url: ${deadUrl}`));
    platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: ':memory:' });
    host = await startHost(platform, {});
  });
  afterAll(async () => {
    await host.close();
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 502 {"detail"} when the configured upstream is down', async () => {
    const r = await getJson(`${host.url}/metabase/`);
    expect(r.status).toBe(502);
    expect(r.body.detail).toMatch(/^Metabase is unavailable/);
  });

  it('names the dbt docs upstream in its 502, even when it shares the Metabase URL', async () => {
    const shared = await startHost(platform, { proxies: { dbtDocs: deadUrl } });
    try {
      const docs = await getJson(`${shared.url}/dbt-docs/`);
      expect(docs.status).toBe(502);
      expect(docs.body.detail).toMatch(/^dbt docs is unavailable/);
      expect((await getJson(`${shared.url}/metabase/`)).body.detail).toMatch(/^Metabase is unavailable/);
    } finally {
      await shared.close();
    }
  });

  it('serves manifest.json from dbt/target and a JSON 404 before docs exist', async () => {
    const missing = await getJson(`${host.url}/manifest.json`);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/manifest\.json/);
    const target = path.join(dir, 'dbt/target');
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, 'manifest.json'), '{"metadata":{"dbt_schema_version":"x"},"nodes":{}}');
    const found = await getJson(`${host.url}/manifest.json`);
    expect(found.status).toBe(200);
    expect(found.body.nodes).toEqual({});
    expect((await getJson(`${host.url}/dbt-docs/..%2f..%2f.dango%2fproject.yml`)).status).toBe(404);
  });

  it('closing the mount closes its WebSockets and detaches its upgrade listener', async () => {
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}/ws`);
    await new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const listenersBefore = host.server.listenerCount('upgrade');
    await host.mount.close();
    expect(await closed).toBe(1001);
    expect(host.server.listenerCount('upgrade')).toBe(listenersBefore - 1);
  });
});

describe('mount upgrades it does not own', () => {
  it('returns false and leaves the socket open for foreign paths', async () => {
    const dir = await makeProject();
    const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: ':memory:' });
    const mount: DangoMount = createMount(platform, { prefix: '/dango' });
    const { Duplex } = await import('node:stream');
    const socket = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    const req = { url: '/other/ws', headers: {} } as http.IncomingMessage;
    expect(mount.upgrade(req, socket, Buffer.alloc(0))).toBe(false);
    expect(socket.destroyed).toBe(false);
    socket.destroy();
    await mount.close();
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
