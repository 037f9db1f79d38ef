import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { recordWs } from '../ws-client';

const NETWORK_HANDLES = new Set(['TCPServerWrap', 'TCPSocketWrap']);

/** How many TCP servers and sockets this process holds open. */
export function openNetworkHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => NETWORK_HANDLES.has(r)).length;
}

/** Polls `check` until it holds; nothing can be awaited for a peer socket's close, hence the bounded poll. */
async function eventually(check: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The last case of a variant: closing the host closes Dango's sockets and proxy connections and leaks nothing. */
export function teardownCases(env: ContractEnv, baseline: () => number): void {
  it('closes promptly with a /ws client connected and leaves no open handles', async () => {
    const ws = await recordWs(env.wsUrl('/ws'));
    await ws.next((m) => m.type === 'connected');
    const closed = new Promise<number>((resolve) => ws.socket.once('close', (code) => resolve(code)));
    // A keep-alive connection and a pooled proxy connection must not hold the server open either.
    expect((await env.api('/metabase/hello')).status).toBe(200);
    await env.host.close();
    expect(await closed).toBeGreaterThan(0);
    await eventually(() => openNetworkHandles() <= baseline(), 'TCP handles to return to the baseline');
    expect(openNetworkHandles()).toBeLessThanOrEqual(baseline());
  });
}
