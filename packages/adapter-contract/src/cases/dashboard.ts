import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import type { MakeHost } from '../host';
import { HOST_ROUTES } from '../host';
import { call } from '../http-client';

const HTML = { accept: 'text/html,application/xhtml+xml' };

/**
 * With `ui: true` the adapter serves the dashboard under its prefix: the shell page with a strict CSP,
 * hashed assets with a long cache, deep links falling back to the shell, and the host's routes untouched.
 * It runs on a second host of the same adapter, as the contract's main mount keeps the dashboard off.
 */
export function dashboardCases(env: ContractEnv, makeHost: MakeHost): void {
  it('serves the dashboard under the prefix when ui is on', async () => {
    const { prefix } = env.variant;
    const host = await makeHost({ ...env.variant, platform: env.fixture.platform, mount: { prefix, ui: true } });
    try {
      const address = host.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const page = await call(`${base}${prefix}/`, { headers: HTML });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.text)?.[1];
      expect(script).toBeDefined();
      const asset = await call(`${base}${prefix}/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const deep = await call(`${base}${prefix}/sources/sales`, { headers: HTML });
      expect(deep.status).toBe(200);
      expect(deep.text).toContain('<base href="../"');
      if (prefix) {
        const bare = await fetch(`${base}${prefix}`, { headers: HTML, redirect: 'manual' });
        expect(bare.status).toBe(308);
        expect(bare.headers.get('location')).toBe(`${prefix.slice(1)}/`);
      }
      expect(await call(`${base}${prefix}/api/sources`)).toMatchObject({ status: 200 });
      expect(await call(`${base}${HOST_ROUTES.before}`)).toMatchObject({ status: 200, json: { route: 'before' } });
    } finally {
      await host.close();
    }
  });
}
