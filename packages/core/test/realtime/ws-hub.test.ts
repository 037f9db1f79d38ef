import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { initProject } from '../../src/config';
import { EventBus } from '../../src/event-bus';
import { nowIso, type DangoEvent } from '../../src/events';
import { DangoPlatform } from '../../src/platform';
import { createWsHub, type WsHub, type WsHubOptions } from '../../src/realtime';
import { closeServer, listen, pollUntil, refusedHandshake, TestClient } from './helpers';

interface Fixture {
  events: EventBus;
  hub: WsHub;
  server: http.Server;
  wsUrl: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A real HTTP server on port 0 whose upgrades all go to a fresh hub. */
async function startHub(options: WsHubOptions = {}, events = new EventBus()): Promise<Fixture> {
  const hub = createWsHub(events, options);
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  const url = await listen(server);
  cleanups.push(async () => {
    await hub.close();
    await closeServer(server);
  });
  return { events, hub, server, wsUrl: `${url.replace('http', 'ws')}/ws` };
}

async function connect(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
  const client = await TestClient.connect(url, options);
  cleanups.push(() => client.close());
  return client;
}

function logEvent(message: string, extra: Record<string, unknown> = {}): DangoEvent {
  return { type: 'log', level: 'INFO', message, timestamp: nowIso(), ...extra } as DangoEvent;
}

describe('WebSocket hub', () => {
  it('greets each client with a connected message first and counts clients', async () => {
    const { hub, wsUrl } = await startHub();
    const client = await connect(wsUrl);
    await client.received(1);
    const [hello] = client.json();
    expect(hello).toEqual({ type: 'connected', message: 'Connected to Dango', timestamp: expect.any(String) });
    expect(new Date(hello!.timestamp as string).toISOString()).toBe(hello!.timestamp);
    expect(hub.clientCount).toBe(1);
    await client.close();
    await pollUntil(() => hub.clientCount === 0, 'the hub to forget the closed client');
  });

  it('delivers every event, in order, to every client as {type, ...fields, timestamp}', async () => {
    const { events, wsUrl } = await startHub();
    const clients = await Promise.all(Array.from({ length: 12 }, () => connect(wsUrl)));
    await Promise.all(clients.map((c) => c.received(1)));
    const sent: DangoEvent[] = [];
    for (let i = 0; i < 50; i++) {
      const event: DangoEvent = i % 2
        ? logEvent(`line ${i}`, { source: 'sales' })
        : { type: 'sync_completed', source: 'sales', rows: i, duration_seconds: 0.5, message: `synced ${i}`, timestamp: nowIso() };
      sent.push(event);
      events.emit(event);
    }
    await Promise.all(clients.map((c) => c.received(51)));
    for (const client of clients) {
      expect(client.json().slice(1)).toEqual(sent);
      // The reference shows `type` first and `timestamp` last; keep that shape on the wire.
      const keys = Object.keys(client.json()[1]!);
      expect(keys[0]).toBe('type');
      expect(keys.at(-1)).toBe('timestamp');
    }
  });

  it('forwards the events a real platform emits and stops when the platform closes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await initProject(dir, { name: 'hub-test' });
    const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: ':memory:' });
    cleanups.push(() => platform.close());
    const { wsUrl } = await startHub({}, platform.context.events);
    const client = await connect(wsUrl);
    const started = platform.context.emit('sync_started', { source: 'orders', full_refresh: true, message: 'Sync started: orders' });
    await client.received(2);
    expect(client.json()[1]).toEqual({ type: 'sync_started', source: 'orders', full_refresh: true, message: 'Sync started: orders', timestamp: started.timestamp });
  });

  it('skips events for a client that does not read, without holding back the others', async () => {
    const maxBufferedBytes = 256 * 1024;
    const { events, wsUrl } = await startHub({ maxBufferedBytes });
    const healthy = await connect(wsUrl);
    const stalled = await connect(wsUrl);
    await Promise.all([healthy.received(1), stalled.received(1)]);
    stalled.ws.pause();

    // Each event waits for the healthy client: its delivery must never depend on the stalled one.
    const total = 300;
    const padding = 'x'.repeat(100 * 1024);
    for (let i = 0; i < total; i++) {
      events.emit(logEvent(`big ${i}`, { padding }));
      await healthy.received(i + 2);
    }
    expect(healthy.json().slice(1).map((m) => m.message)).toEqual(Array.from({ length: total }, (_, i) => `big ${i}`));
    expect(stalled.messages).toHaveLength(1);

    // Once it reads again it gets what was buffered, then current events; the gap shows the skipping.
    stalled.ws.resume();
    await pollUntil(() => {
      events.emit(logEvent('marker'));
      return stalled.messages.some((m) => m.includes('"marker"'));
    }, 'the stalled client to catch up', 20_000, 20);
    const bigOnes = stalled.json().map((m) => m.message as string).filter((m) => m.startsWith('big '));
    expect(bigOnes.length).toBeGreaterThan(0);
    expect(bigOnes.length).toBeLessThan(total);
    const indexes = bigOnes.map((m) => Number(m.slice(4)));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('terminates a client that stops answering pings', async () => {
    const { hub, wsUrl } = await startHub({ pingIntervalMs: 50 });
    const mute = await connect(wsUrl, { autoPong: false });
    const lively = await connect(wsUrl);
    const { code } = await mute.closed;
    expect(code).toBe(1006); // cut off, not closed politely
    expect(lively.ws.readyState).toBe(WebSocket.OPEN);
    await pollUntil(() => hub.clientCount === 1, 'the hub to drop the mute client');
  });

  it('answers {"type":"ping"} with {"type":"pong"} and ignores every other inbound message', async () => {
    const { events, wsUrl } = await startHub();
    const client = await connect(wsUrl);
    await client.received(1);
    for (const junk of ['hello', '{"type":"subscribe"}', '[1,2]', 'null', '{"type":"ping"', '{"type":"PING"}']) client.ws.send(junk);
    client.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    client.ws.send('{"type":"ping"}');
    await client.received(2);
    expect(client.json()[1]).toEqual({ type: 'pong' });
    events.emit(logEvent('after junk'));
    await client.received(3);
    expect(client.json()[2]).toMatchObject({ type: 'log', message: 'after junk' });
    expect(client.messages).toHaveLength(3);
  });

  it('closes a connection with 1009 when an inbound message exceeds the cap, and keeps serving others', async () => {
    const { events, hub, wsUrl } = await startHub({ maxPayloadBytes: 1024 });
    const big = await connect(wsUrl);
    const other = await connect(wsUrl);
    big.ws.send('x'.repeat(1024)); // exactly at the cap: accepted (and ignored)
    big.ws.send('{"type":"ping"}');
    await big.received(2);
    expect(big.json()[1]).toEqual({ type: 'pong' });
    big.ws.send('x'.repeat(1025));
    expect((await big.closed).code).toBe(1009);
    await pollUntil(() => hub.clientCount === 1, 'the hub to drop the closed client');
    events.emit(logEvent('still here'));
    await other.received(2);
    expect(other.json()[1]).toMatchObject({ message: 'still here' });
  });

  it('refuses a malformed handshake with 400 and keeps serving', async () => {
    const { hub, wsUrl } = await startHub();
    const { port } = new URL(wsUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      // No Sec-WebSocket-Key or version: not a WebSocket handshake, whatever the Upgrade header says.
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(hub.clientCount).toBe(0);
    const client = await connect(wsUrl);
    await client.received(1);
    expect(hub.clientCount).toBe(1);
  });

  it('close() closes every client with 1001, detaches from the emitter and leaves no handles', async () => {
    const resourcesBefore = countResources();
    const events = new EventBus();
    const { hub, server, wsUrl } = await startHub({ pingIntervalMs: 1000 }, events);
    const clients = await Promise.all([connect(wsUrl), connect(wsUrl), connect(wsUrl)]);
    const stalled = await connect(wsUrl);
    stalled.ws.pause(); // never completes the closing handshake by itself
    expect(events.listenerCount('event')).toBe(1);

    await hub.close();
    expect(hub.clientCount).toBe(0);
    expect(events.listenerCount('event')).toBe(0);
    for (const client of clients) expect(await client.closed).toMatchObject({ code: 1001 });
    stalled.ws.resume();
    await stalled.closed;
    await hub.close(); // idempotent

    // An upgrade after close gets an HTTP answer, not a hanging socket.
    expect((await refusedHandshake(wsUrl)).status).toBe(503);
    await closeServer(server);
    expect(countResources()).toEqual(resourcesBefore);
  });
});

/** Open sockets and servers in this process, by kind (timers are not counted: the test runner's own come and go). */
function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap' || kind === 'TCPServerWrap') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
