import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { HOST_WS_PATH } from '../host-socket';
import { HOST_ROUTES } from '../host';
import { closeWs, openWs, recordWs } from '../ws-client';

/** The host's own routes keep working around the mount: before, after, its parser, its 404 and its WebSocket. */
export function hostRouteCases(env: ContractEnv): void {
  const { prefix, hostParser } = env.variant;

  it('falls through to host routes registered before and after the mount', async () => {
    expect(await env.hostCall(HOST_ROUTES.before)).toMatchObject({ status: 200, json: { route: 'before' } });
    expect(await env.hostCall(HOST_ROUTES.after(prefix))).toMatchObject({ status: 200, json: { route: 'after' } });
    const notFound = { status: 404, json: env.host.notFoundBody ?? HOST_ROUTES.notFoundBody };
    expect(await env.hostCall('/nowhere/at/all')).toMatchObject(notFound);
    expect(await env.hostCall(`${prefix}/not-a-dango-path`)).toMatchObject(notFound);
    // The prefix itself is not a Dango path either.
    if (prefix) expect(await env.hostCall(prefix)).toMatchObject(notFound);
  });

  if (hostParser) {
    it("leaves the host's JSON body parser working on host routes", async () => {
      const body = { hello: 'host', n: [1, 2] };
      expect(await env.hostCall(HOST_ROUTES.echo, { method: 'POST', json: body })).toMatchObject({ status: 200, json: { body } });
    });
  }

  it("keeps the host's own WebSocket route working beside /ws", async () => {
    const dangoWs = await recordWs(env.wsUrl('/ws'));
    const hostWs = await openWs(`${env.base.replace(/^http/, 'ws')}${HOST_WS_PATH}`);
    try {
      expect(await dangoWs.next((m) => m.type === 'connected')).toMatchObject({ type: 'connected' });
      const reply = new Promise<string>((resolve) => hostWs.once('message', (d) => resolve(String(d))));
      hostWs.send('ping');
      expect(await reply).toBe('host ping');
    } finally {
      await closeWs(hostWs);
      await dangoWs.close();
    }
  });
}
