import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { csvProject, dango, hasServerFile, salesCsv, serverTestScope, startServer, stopServer } from './helpers';

function serverJson(root: string): { pid: number; port: number; host: string; url: string; started_at: string } {
  return JSON.parse(readFileSync(path.join(root, '.dango', 'server.json'), 'utf8'));
}

/** The HTTP status of a WebSocket upgrade to `url` (101 when it opened). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', (err) => reject(err));
  });
}

/** The status and detail of a GET with an exact Host header (fetch would replace it). */
function getWithHost(url: string, host: string): Promise<{ status: number; detail?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, detail: text ? (JSON.parse(text) as { detail?: string }).detail : undefined }));
      })
      .on('error', reject);
  });
}

describe('dango start', () => {
  const tmp = serverTestScope();

  it('serves the API on port 0, routes sync/status/logs through it, and removes server.json on SIGTERM', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(250) });
    const server = await startServer(root);
    const { url } = server;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    for (const line of [`API:        ${url}/api`, `API docs:   ${url}/api/docs`, `WebSocket:  ${url.replace('http', 'ws')}/ws`, `dbt docs:   ${url}/dbt-docs/`]) {
      expect(server.output()).toContain(line);
    }
    const info = serverJson(root);
    expect(info).toMatchObject({ pid: server.child.pid, host: '127.0.0.1', url, port: Number(new URL(url).port) });
    expect(new Date(info.started_at).toISOString()).toBe(info.started_at);

    const status = await fetch(`${url}/api/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ services: { api: 'running' } });
    const sources = (await (await fetch(`${url}/api/sources`)).json()) as { name: string; status: string }[];
    expect(sources).toMatchObject([{ name: 'sales', status: 'not_synced' }]);
    const config = (await (await fetch(`${url}/api/config`)).json()) as { web_url: string; web_port: number };
    expect(config).toMatchObject({ web_url: url, web_port: Number(new URL(url).port) });

    // The server holds the warehouse: a CLI that opened it would fail on DuckDB's lock.
    const sync = await dango(['sync', '--project', root]);
    expect(sync.stderr).toBe('');
    expect(sync.exitCode).toBe(0);
    expect(sync.stdout.split('\n')[0]).toBe(`Using the running server at ${url}`);
    expect(sync.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 0 failed, 250 rows');
    expect(server.output()).toMatch(/sync_completed\s+.*250/);

    const after = (await (await fetch(`${url}/api/sources`)).json()) as { name: string; row_count: number; status: string }[];
    expect(after).toMatchObject([{ name: 'sales', row_count: 250, status: 'synced' }]);

    const st = await dango(['status', '--project', root]);
    expect(st.exitCode).toBe(0);
    expect(st.stdout).toContain(`Server: running at ${url}`);
    expect(st.stdout).toMatch(/^sales\s+csv\s+synced\s+250\s+/m);

    const logs = await dango(['logs', '--project', root, '--source', 'sales']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/Starting sync for sales/);

    // Commands that write the warehouse go through the server's API too.
    const seed = await dango(['seed', '--project', root]);
    expect(seed.stderr).toBe('');
    expect(seed.exitCode).toBe(0);
    expect(seed.stdout.split('\n')[0]).toBe(`Using the running server at ${url}`);
    const twice = await dango(['start', '--project', root, '--port', '0']);
    expect(twice.exitCode).toBe(1);
    expect(twice.stderr).toContain(`error: A Dango server is already running for this project at ${url}`);

    // An open /ws client does not hold the shutdown up: the server closes it and exits cleanly.
    const client = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const clientClosed = new Promise((resolve) => client.once('close', resolve));
    const code = await stopServer(server);
    expect(code).toBe(0);
    await clientClosed;
    expect(hasServerFile(root)).toBe(false);
    // And the warehouse is free again.
    const local = await dango(['status', '--project', root]);
    expect(local.stdout).toContain('Server: not running');
  });

  it('ignores and removes a stale server.json whose process is gone', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(5) });
    const dead = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(path.join(root, '.dango', 'server.json'), JSON.stringify({ pid: dead.pid, port: 1, host: '127.0.0.1', url: 'http://127.0.0.1:1', started_at: new Date().toISOString() }));
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain('Using the running server');
    expect(hasServerFile(root)).toBe(false);
  });

  it('reports a port in use clearly and leaves no server.json', async () => {
    const root = await csvProject(tmp.dir, {});
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await dango(['start', '--project', root, '--port', String(port), '--no-watch']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(`error: Port ${port} is already in use on 127.0.0.1 (is another server running? pass --port)`);
      expect(hasServerFile(root)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses a non-loopback host without DANGO_API_TOKEN', async () => {
    const root = await csvProject(tmp.dir, {});
    const r = await dango(['start', '--project', root, '--host', '0.0.0.0', '--port', '0']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: Refusing to listen on 0\.0\.0\.0: .*DANGO_API_TOKEN/);
    expect(hasServerFile(root)).toBe(false);
  });

  it('--allow-origin lets that browser origin call the API with CORS and open /ws; other origins stay refused', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    const server = await startServer(root, ['--allow-origin', 'https://app.example', '--allow-origin', 'http://localhost:5173']);
    expect(server.output()).toContain('Origins:    https://app.example, http://localhost:5173');
    const preflight = await fetch(`${server.url}/api/sources/sales/sync`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const sync = await fetch(`${server.url}/api/sources/sales/sync`, { method: 'POST', headers: { origin: 'https://app.example' } });
    expect(sync.status).toBe(200);
    expect(sync.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await fetch(`${server.url}/api/sources/sales/sync`, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/ws`, { origin: 'https://app.example' })).toBe(101);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/ws`, { origin: 'https://evil.example' })).toBe(403);
    expect(await stopServer(server, 'SIGTERM')).toBe(0);
  });

  it('answers only loopback Hosts, the bound address and --allowed-host names (DNS rebinding)', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    const server = await startServer(root, ['--allowed-host', 'data.example', '--allowed-host', '.corp.example']);
    expect(server.output()).toContain('Hosts:      data.example, .corp.example');
    const port = new URL(server.url).port;
    for (const host of [`data.example:${port}`, 'bi.corp.example', `localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await getWithHost(`${server.url}/api/status`, host)).status, host).toBe(200);
    }
    const refused = await getWithHost(`${server.url}/api/sources`, `evil.example:${port}`);
    expect(refused.status).toBe(403);
    expect(refused.detail).toMatch(/Host 'evil\.example:\d+' is not allowed .*--allowed-host evil\.example/);
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/ws`, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).toBe(403);
    expect(await stopServer(server, 'SIGTERM')).toBe(0);
    const bad = await dango(['start', '--project', root, '--port', '0', '--allowed-host', 'https://data.example/']);
    expect(bad.exitCode).toBe(2); // a bad option value is a usage error
    expect(bad.stderr).toMatch(/--allowed-host.*expected a host name/);
  });

  it('refuses a DANGO_API_TOKEN shorter than 16 characters for a non-loopback address, and says why', async () => {
    const root = await csvProject(tmp.dir, {});
    const r = await dango(['start', '--project', root, '--host', '0.0.0.0', '--port', '0'], { env: { DANGO_API_TOKEN: 'x' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: Refusing to listen on 0\.0\.0\.0 with a 1-character DANGO_API_TOKEN: .*guess.*at least 16/);
    expect(hasServerFile(root)).toBe(false);
  });

  it('rejects an --allow-origin that is not an origin', async () => {
    const root = await csvProject(tmp.dir, {});
    for (const bad of ['app.example', 'https://app.example/path', 'ftp://app.example']) {
      const r = await dango(['start', '--project', root, '--port', '0', '--allow-origin', bad]);
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/--allow-origin.*expected an origin such as https:\/\/app\.example\.com/);
    }
    expect(hasServerFile(root)).toBe(false);
  });

  it('with DANGO_API_TOKEN requires the bearer on every route and /ws, and the CLI sends it', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(7) });
    const token = 'test-token-0123456789';
    const server = await startServer(root, ['--host', '0.0.0.0'], { DANGO_API_TOKEN: token });
    const url = server.url;
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(server.output()).toContain('Authorization: Bearer');
    for (const p of ['/api/status', '/api/sources', '/api/logs', '/api/docs']) {
      const res = await fetch(`${url}${p}`);
      expect(res.status, p).toBe(401);
    }
    expect((await fetch(`${url}/api/sources`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/api/sources`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // A browser logs in once with ?token= (the banner says how) and then works with the cookie.
    expect(server.output()).toContain(`${url}/api/docs?token=<the token>`);
    const login = await fetch(`${url}/api/docs?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/api/docs');
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/api/docs`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${url}/api/docs?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    const wsUrl = `${url.replace('http', 'ws')}/ws`;
    expect(await upgradeStatus(wsUrl, { cookie })).toBe(101);
    expect(await upgradeStatus(wsUrl)).toBe(401);
    expect(await upgradeStatus(wsUrl, { authorization: `Bearer ${token}` })).toBe(101);

    const without = await dango(['status', '--project', root]);
    expect(without.exitCode).toBe(1);
    expect(without.stderr).toBe(`error: The Dango server at ${url} requires a token: set DANGO_API_TOKEN`);
    const sync = await dango(['sync', '--project', root], { env: { DANGO_API_TOKEN: token } });
    expect(sync.stderr).toBe('');
    expect(sync.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 0 failed, 7 rows');

    const code = await stopServer(server, 'SIGINT');
    expect(code).toBe(0);
    expect(hasServerFile(root)).toBe(false);
  });
});
