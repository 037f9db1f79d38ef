import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUiAssetsDir, relativeBase, UI_CSP } from '../../src/node/ui-assets';
import { startServer, type TestServer } from '../http/helpers';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('the dashboard served by the mount', () => {
  let rooted: TestServer;
  let prefixed: TestServer;
  let guarded: TestServer;
  let off: TestServer;

  beforeAll(async () => {
    [rooted, prefixed, guarded, off] = await Promise.all([
      startServer({ ui: true }),
      startServer({ ui: true, prefix: '/dango' }),
      startServer({ ui: true, authorize: (req) => req.headers.authorization === 'Bearer s3cret' }),
      startServer({}),
    ]);
  });
  afterAll(async () => {
    await Promise.all([rooted, prefixed, guarded, off].map((s) => s?.close()));
  });

  it('finds the built @dango/ui files', () => {
    const dir = findUiAssetsDir();
    expect(dir).not.toBeNull();
    expect(fs.existsSync(path.join(dir!, 'index.html'))).toBe(true);
  });

  it('serves index.html at / with no-cache, a strict CSP and no inline script', async () => {
    const res = await fetch(`${rooted.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(UI_CSP).toContain("script-src 'self'");
    expect(UI_CSP).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('<base href="./"');
    // Every script is an external file of this origin.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
  });

  it('serves hashed assets with a year-long immutable cache, and 404s unknown or escaping ones', async () => {
    const html = await (await fetch(`${prefixed.url}/`)).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await fetch(`${prefixed.url}/${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await res.text()).length).toBeGreaterThan(1000);
    const missing = await fetch(`${prefixed.url}/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: 'File not found' });
    expect((await fetch(`${prefixed.url}/assets/%2e%2e%2findex.html`)).status).toBe(404);
  });

  it('falls back to index.html for unknown page paths, with a relative base pointing back to the mount', async () => {
    const deep = await fetch(`${prefixed.url}/sources/sales`, { headers: HTML });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<base href="../"');
    const deeper = await fetch(`${prefixed.url}/models/a/b/`, { headers: HTML });
    expect(await deeper.text()).toContain('<base href="../../../"');
    expect(relativeBase('/')).toBe('./');
    expect(relativeBase('/catalog')).toBe('./');
  });

  it('redirects the bare prefix to prefix/ with a relative Location', async () => {
    const res = await fetch(prefixed.url, { redirect: 'manual', headers: HTML });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('dango/');
  });

  it('leaves non-page requests for unknown paths and non-GET methods to the host, and the API keeps answering JSON', async () => {
    expect((await fetch(`${rooted.url}/unknown.json`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${rooted.url}/sources`, { method: 'POST', headers: HTML })).status).toBe(404);
    const api = await fetch(`${rooted.url}/api/nope`, { headers: HTML });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });

  it('is protected by the authorize hook like every route', async () => {
    const refused = await fetch(`${guarded.url}/`, { headers: HTML });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Unauthorized/);
    expect((await fetch(`${guarded.url}/assets/x.js`)).status).toBe(401);
    const allowed = await fetch(`${guarded.url}/`, { headers: { ...HTML, authorization: 'Bearer s3cret' } });
    expect(allowed.status).toBe(200);
  });

  it('is off unless asked for', async () => {
    const res = await fetch(`${off.url}/`, { headers: HTML });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: 'Not Found' });
  });
});
