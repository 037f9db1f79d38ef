import { expect, it } from 'vitest';
import { ALLOWED_HOST, type ContractEnv } from '../contract-env';
import { SOURCE } from '../fixture-project';
import { callWithHost } from '../http-client';
import { closeWs, openWs, refusedUpgradeStatus } from '../ws-client';

/** DNS rebinding: a Host outside the allow-list is refused on every route, proxy and upgrade; loopback and listed names pass. */
export function hostAllowListCases(env: ContractEnv): void {
  const port = () => new URL(env.base).port;

  it('refuses requests, proxies and /ws upgrades whose Host is a foreign name, even when Origin matches it', async () => {
    const evil = `evil.example:${port()}`;
    const browser = { origin: `http://${evil}` };
    for (const [method, path] of [['GET', '/api/status'], ['POST', `/api/sources/${SOURCE}/sync`], ['DELETE', `/api/sources/${SOURCE}/files?file_path=seed.csv`], ['GET', '/metabase/rebound']] as const) {
      const reply = await callWithHost(env.url(path), evil, { method, headers: browser });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.json.detail).toMatch(/Host 'evil\.example:\d+' is not allowed.*allowedHosts/);
    }
    expect(env.upstream.requests.filter((r) => r.url === '/rebound')).toHaveLength(0);
    expect(await refusedUpgradeStatus(env.wsUrl('/ws'), { host: evil, ...browser })).toBe(403);
    expect(await refusedUpgradeStatus(env.wsUrl('/metabase/ws'), { host: evil, ...browser })).toBe(403);
    // A name that merely ends like an allowed one is still foreign.
    expect((await callWithHost(env.url('/api/status'), `evil${ALLOWED_HOST}`)).status).toBe(403);
  });

  it('answers loopback names and IPs, the bound address and allowedHosts entries', async () => {
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `127.1.2.3:${port()}`, `[::1]:${port()}`, 'app.localhost', `${ALLOWED_HOST}:${port()}`, ALLOWED_HOST.toUpperCase()]) {
      expect((await callWithHost(env.url('/api/status'), host)).status, host).toBe(200);
    }
    await closeWs(await openWs(env.wsUrl('/ws'), { host: `${ALLOWED_HOST}:${port()}` }));
  });
}
