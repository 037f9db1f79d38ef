/**
 * WebSocket fan-out: N platform events to M clients through `createWsHub`, against a raw `ws`
 * WebSocketServer broadcasting the same payloads. Clients live in a child process so the parent
 * measures server-side cost only. Run alone with `npx tsx bench/ws-fanout.bench.ts`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { createWsHub } from '../packages/core/src/realtime';
import { EventBus } from '../packages/core/src/event-bus';
import type { DangoEvent } from '../packages/core/src/events';

/** Options of `runWsFanoutBench`. */
export interface WsFanoutOptions {
  clients?: number;
  events?: number;
  /** Measured rounds per side, after one warm-up each; sides alternate who goes first. */
  rounds?: number;
  /** Print the figures (default true). */
  print?: boolean;
}

/** The result of `runWsFanoutBench`; times are medians in milliseconds. */
export interface WsFanoutResult {
  clients: number;
  events: number;
  rounds: number;
  hubMs: number;
  rawMs: number;
  /** hubMs / rawMs; the target is <= 1.2. */
  ratio: number;
}

type ToChild = { cmd: 'connect'; targets: Array<{ url: string; greeting: boolean }>; clients: number } | { cmd: 'expect'; url: string; count: number };
type FromChild = { ready: true } | { armed: true } | { done: true };

const CLIENT_FLAG = '--ws-fanout-clients';
const ROUND_DEADLINE_MS = 60_000;

/** Runs the fan-out comparison and returns (and by default prints) the median times and their ratio. */
export async function runWsFanoutBench(options: WsFanoutOptions = {}): Promise<WsFanoutResult> {
  const clients = options.clients ?? 100;
  const count = options.events ?? 1000;
  const rounds = options.rounds ?? 7;
  const payloads = makeEvents(count);

  const emitter = new EventBus();
  const hub = createWsHub(emitter);
  const hubServer = http.createServer();
  hubServer.on('upgrade', (req, socket: Duplex, head: Buffer) => hub.handleUpgrade(req, socket, head));
  const raw = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const rawServer = http.createServer();
  rawServer.on('upgrade', (req, socket: Duplex, head: Buffer) => raw.handleUpgrade(req, socket, head, (ws) => raw.emit('connection', ws, req)));
  const [hubUrl, rawUrl] = await Promise.all([listen(hubServer), listen(rawServer)]);

  const child = fork(fileURLToPath(import.meta.url), [CLIENT_FLAG], { stdio: 'inherit' });
  try {
    // The hub greets each client with `connected`; the child waits for it so it is never counted as an event.
    const targets = [{ url: hubUrl, greeting: true }, { url: rawUrl, greeting: false }];
    await ask(child, { cmd: 'connect', targets, clients }, 'ready');
    const sides = {
      hub: () => payloads.forEach((event) => emitter.emit(event)),
      // The broadcast loop from the ws README: serialise once per event, send to every open client.
      raw: () => {
        for (const event of payloads) {
          const data = JSON.stringify(event);
          for (const client of raw.clients) if (client.readyState === WebSocket.OPEN) client.send(data);
        }
      },
    };
    const urls = { hub: hubUrl, raw: rawUrl };
    const times: Record<'hub' | 'raw', number[]> = { hub: [], raw: [] };
    for (let round = -1; round < rounds; round++) {
      const order: Array<'hub' | 'raw'> = round % 2 === 0 ? ['hub', 'raw'] : ['raw', 'hub'];
      for (const side of order) {
        // The round ends when every client has every event; a lost message makes it fail, not finish early.
        await ask(child, { cmd: 'expect', url: urls[side], count }, 'armed');
        const start = performance.now();
        const done = waitFor(child, 'done');
        sides[side]();
        await done;
        if (round >= 0) times[side].push(performance.now() - start);
      }
    }
    const result: WsFanoutResult = { clients, events: count, rounds, hubMs: median(times.hub), rawMs: median(times.raw), ratio: median(times.hub) / median(times.raw) };
    if (options.print ?? true) {
      console.log(`WebSocket fan-out: ${count} events to ${clients} clients, median of ${rounds} interleaved rounds`);
      console.log(`  raw ws broadcast  ${result.rawMs.toFixed(1)} ms  (${fmtRounds(times.raw)})`);
      console.log(`  createWsHub       ${result.hubMs.toFixed(1)} ms  (${fmtRounds(times.hub)})`);
      console.log(`  ratio hub/raw     ${result.ratio.toFixed(2)}x  (target <= 1.2x)`);
    }
    return result;
  } finally {
    child.kill();
    await hub.close();
    for (const client of raw.clients) client.terminate();
    await Promise.all([closeServer(hubServer), closeServer(rawServer)]);
  }
}

/** Events shaped like a sync's progress stream, built once and shared by both sides. */
function makeEvents(count: number): DangoEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'sync_progress',
    source: 'sales_data',
    file: 'sales-2024-01.csv',
    rows: i * 1000,
    step: 'loading',
    message: `Loaded ${i * 1000} rows from sales-2024-01.csv`,
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)).toISOString(),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmtRounds(values: number[]): string {
  return values.map((v) => v.toFixed(0)).join(', ');
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Resolves with the child's next message of the given kind; fails the round if it never comes. */
function waitFor(child: ChildProcess, kind: 'ready' | 'armed' | 'done'): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fan-out bench: no "${kind}" from the clients within ${ROUND_DEADLINE_MS} ms (messages lost?)`)), ROUND_DEADLINE_MS);
    const onMessage = (message: FromChild) => {
      if (!(kind in message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
}

function ask(child: ChildProcess, message: ToChild, reply: 'ready' | 'armed'): Promise<void> {
  const answered = waitFor(child, reply);
  child.send(message);
  return answered;
}

/** The child side: opens the clients and reports when each has received the expected number of messages. */
function runClients(): void {
  const sockets = new Map<string, WebSocket[]>();
  let remaining = 0;
  const reply = (message: FromChild) => process.send!(message);
  process.on('message', async (message: ToChild) => {
    if (message.cmd === 'connect') {
      for (const { url, greeting } of message.targets) {
        sockets.set(url, await Promise.all(Array.from({ length: message.clients }, () => open(url, greeting))));
      }
      reply({ ready: true });
    } else {
      remaining = message.count * sockets.get(message.url)!.length;
      for (const ws of sockets.get(message.url)!) {
        ws.removeAllListeners('message');
        ws.on('message', () => {
          if (--remaining === 0) reply({ done: true });
        });
      }
      reply({ armed: true });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

function open(url: string, greeting: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once(greeting ? 'message' : 'open', () => resolve(ws));
    ws.once('error', reject);
  });
}

if (process.argv.includes(CLIENT_FLAG)) {
  runClients();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runWsFanoutBench();
}
