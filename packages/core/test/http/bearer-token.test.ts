import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuthorizer, tokenLogin, TOKEN_COOKIE } from '../../src/node/bearer-token';

const TOKEN = 's3cret token';
let server: http.Server;
let base: string;

/** Answers 200 "ok" when authorized, 401 otherwise, after the token login had its chance. */
beforeAll(async () => {
  const authorize = bearerTokenAuthorizer(TOKEN);
  server = http.createServer((req, res) => {
    if (tokenLogin(req, res, TOKEN)) return;
    res.writeHead(authorize(req) ? 200 : 401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const status = async (path: string, headers: Record<string, string> = {}): Promise<number> => (await fetch(`${base}${path}`, { headers, redirect: 'manual' })).status;

describe('bearer token', () => {
  it('accepts the bearer header or the token cookie, and nothing else', async () => {
    expect(await status('/x', { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await status('/x', { cookie: `a=1; ${TOKEN_COOKIE}=${encodeURIComponent(TOKEN)}` })).toBe(200);
    const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }, { cookie: `${TOKEN_COOKIE}=nope` }, { cookie: `x${TOKEN_COOKIE}=${encodeURIComponent(TOKEN)}` }, { cookie: `${TOKEN_COOKIE}=%E0%A4%A` }];
    for (const headers of refused) {
      expect(await status('/x', headers), JSON.stringify(headers)).toBe(401);
    }
  });

  it('logs a browser in from ?token= with an HttpOnly SameSite=Strict cookie and a redirect that drops the token', async () => {
    const res = await fetch(`${base}/api/docs?a=1&token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/api/docs?a=1');
    expect(res.headers.get('set-cookie')).toBe(`${TOKEN_COOKIE}=${encodeURIComponent(TOKEN)}; Path=/; HttpOnly; SameSite=Strict`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // A wrong token logs nobody in; a POST never logs in.
    expect(await status(`/api/docs?token=wrong`)).toBe(401);
    expect((await fetch(`${base}/x?token=${encodeURIComponent(TOKEN)}`, { method: 'POST', redirect: 'manual' })).status).toBe(401);
  });

  it('never redirects to another site', async () => {
    const locationFor = (path: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: `${path}?token=${encodeURIComponent(TOKEN)}` }, (res) => {
          res.resume();
          resolve(res.headers.location);
        }).on('error', reject);
      });
    // Each answer is a path on this site: one leading slash, never `//host`.
    expect(await locationFor('//evil.example/x')).toBe('/x');
    expect(await locationFor('/a/..//evil.example')).toBe('/evil.example');
    expect(await locationFor('/\\evil.example')).toMatch(/^\/(?![/\\])/);
  });
});
