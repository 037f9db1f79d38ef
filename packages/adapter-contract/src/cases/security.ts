import { expect, it } from 'vitest';
import { ALLOWED_ORIGIN, DENY_HEADER, FOREIGN_ORIGIN, MAX_JSON_BYTES, type ContractEnv } from '../contract-env';
import { SOURCE } from '../fixture-project';
import { closeWs, openWs, refusedUpgradeStatus } from '../ws-client';
import { expectDetail } from './read-routes';

/** Origin refusal, the `authorize` hook, and JSON body limits. */
export function securityCases(env: ContractEnv): void {
  it('refuses state-changing requests from a foreign origin; allow-listed and same origins pass', async () => {
    const post = (origin: string, source = SOURCE) => env.api(`/api/sources/${source}/sync`, { method: 'POST', headers: { origin }, json: {} });
    expectDetail(await post(FOREIGN_ORIGIN), 403);
    // Reads are not state-changing: a foreign page may GET.
    expect((await env.api('/api/status', { headers: { origin: FOREIGN_ORIGIN } })).status).toBe(200);
    // An unknown source gets past the origin check without starting a sync.
    expectDetail(await post(ALLOWED_ORIGIN, 'no_such_source'), 404);
    expectDetail(await post(env.base, 'no_such_source'), 404);
  });

  it('answers CORS for an allow-listed origin (preflight and response) and never for a foreign one', async () => {
    const preflight = (origin: string) =>
      env.api(`/api/sources/${SOURCE}/sync`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
      });
    const ok = await preflight(ALLOWED_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    expectDetail(await preflight(FOREIGN_ORIGIN), 403);

    const read = await env.api('/api/status', { headers: { origin: ALLOWED_ORIGIN } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    // Errors carry the headers too, so the page can read their detail.
    const missing = await env.api('/api/sources/no_such_source/sync', { method: 'POST', headers: { origin: ALLOWED_ORIGIN }, json: {} });
    expectDetail(missing, 404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const foreign = await env.api('/api/status', { headers: { origin: FOREIGN_ORIGIN } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a /ws upgrade from a foreign origin and accepts an allow-listed one', async () => {
    expect(await refusedUpgradeStatus(env.wsUrl('/ws'), { origin: FOREIGN_ORIGIN })).toBe(403);
    await closeWs(await openWs(env.wsUrl('/ws'), { origin: ALLOWED_ORIGIN }));
  });

  it('authorize() guards every route, /ws and the proxies', async () => {
    const deny = { [DENY_HEADER]: '1' };
    expectDetail(await env.api('/api/status', { headers: deny }), 401);
    expectDetail(await env.api(`/api/sources/${SOURCE}/sync`, { method: 'POST', headers: deny, json: {} }), 401);
    expectDetail(await env.api('/metabase/hello', { headers: deny }), 401);
    expect(env.upstream.requests.filter((r) => r.url === '/hello')).toHaveLength(0);
    expect(await refusedUpgradeStatus(env.wsUrl('/ws'), deny)).toBe(401);
  });

  if (!env.variant.hostParser) {
    // With a host parser, malformed and oversized JSON are the host parser's to refuse.
    it('answers 400 to malformed JSON and 413 to a JSON body over the limit', async () => {
      const post = (body: string) =>
        env.api(`/api/sources/${SOURCE}/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expectDetail(await post('{"full_refresh": tru'), 400);
      expectDetail(await post(JSON.stringify({ full_refresh: false, pad: 'x'.repeat(MAX_JSON_BYTES) })), 413);
    });
  }
}
