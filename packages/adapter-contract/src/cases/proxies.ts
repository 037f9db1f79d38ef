import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { closeWs, openWs, refusedUpgradeStatus } from '../ws-client';
import { expectDetail } from './read-routes';

/** Metabase proxied to a live local upstream, dbt-docs to a dead one: HTTP, streaming, bodies, WebSockets, 502. */
export function proxyCases(env: ContractEnv): void {
  it('proxies /metabase/* with the prefix stripped and the query kept', async () => {
    const r = await env.api('/metabase/hello?x=1&y=two');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-upstream')).toBe('yes');
    expect(r.json).toMatchObject({ method: 'GET', url: '/hello?x=1&y=two' });
  });

  it('streams an upstream response before the upstream has finished', async () => {
    const res = await fetch(env.url('/metabase/stream'));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    // The upstream holds its second chunk until released, so this chunk was forwarded mid-response.
    expect(decoder.decode(first.value)).toBe('first\n');
    env.upstream.releaseStream();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('second\n');
  });

  it('re-sends a POST body intact, also when the host parser already consumed it', async () => {
    const payload = { question: 'revenue by region', ids: [1, 2, 3], note: 'ünïcode ✓' };
    const r = await env.api('/metabase/echo?q=1', { method: 'POST', json: payload });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ method: 'POST', url: '/echo?q=1', content_type: 'application/json' });
    expect(JSON.parse(r.json.body)).toEqual(payload);
    const text = await env.api('/metabase/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'plain body' });
    expect(text.json).toMatchObject({ content_type: 'text/plain', body: 'plain body' });
  });

  it('proxies WebSocket upgrades under /metabase/', async () => {
    const socket = await openWs(env.wsUrl('/metabase/socket'));
    try {
      const reply = new Promise<string>((resolve) => socket.once('message', (d) => resolve(String(d))));
      socket.send('hi');
      expect(await reply).toBe('echo /socket: hi');
    } finally {
      await closeWs(socket);
    }
  });

  it('answers 502 JSON when the upstream is down (HTTP) and 502 on a WebSocket upgrade', async () => {
    expectDetail(await env.api('/dbt-docs/index.html'), 502);
    expectDetail(await env.api('/manifest.json'), 502);
    expectDetail(await env.api('/catalog.json'), 502);
    expect(await refusedUpgradeStatus(env.wsUrl('/dbt-docs/socket'))).toBe(502);
  });
}
