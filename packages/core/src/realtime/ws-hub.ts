import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DangoEventSource } from '../event-bus';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { DangoEvent } from '../events';
import { rejectUpgrade } from '../node/proxy-upgrade-reply';
import { CLOSE_GOING_AWAY, connectedMessage, eventMessage, isPingRequest, PONG_MESSAGE } from './messages';

/** Tuning of the `/ws` hub; the defaults suit a dashboard on a local network. */
export interface WsHubOptions {
  /** Largest inbound message in bytes; bigger ones close the connection with 1009. Default 64 KiB. */
  maxPayloadBytes?: number;
  /** Per-client send buffer above which events are skipped for that client; a client still over it at the next keepalive tick is terminated. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Keepalive ping period in ms; a client that has not answered the previous ping by the next tick is terminated. Default 30 s. */
  pingIntervalMs?: number;
}

/** The `/ws` endpoint: fans every platform event out to the connected WebSocket clients. */
export interface WsHub {
  /** Completes a WebSocket handshake on a request the caller has already routed and authorised. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** How many clients are connected now. */
  readonly clientCount: number;
  /** Stops listening, closes every client with 1001 and resolves once all sockets are gone. */
  close(): Promise<void>;
}

/** Per-client bookkeeping for keepalive and back-pressure. */
interface ClientState {
  /** Answered the last ping (or is new). */
  alive: boolean;
  /** Was over the buffer limit at the last keepalive tick. */
  overLimit: boolean;
}

const DEFAULT_MAX_PAYLOAD = 64 * 1024;
const DEFAULT_MAX_BUFFERED = 1024 * 1024;
const DEFAULT_PING_INTERVAL = 30_000;
/** How long a polite 1001 close may take before the socket is cut, so `close()` never hangs on a dead peer. */
const CLOSE_GRACE_MS = 1_000;

/** Creates a WebSocket hub that listens to `events` (the platform's emitter) until `close()`. */
export function createWsHub(events: DangoEventSource, options: WsHubOptions = {}): WsHub {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  const clients = new Map<WebSocket, ClientState>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
    perMessageDeflate: false,
  });
  let closing: Promise<void> | null = null;

  const broadcast = (event: DangoEvent): void => {
    if (clients.size === 0) return;
    // One serialisation and one UTF-8 encoding per event, however many clients there are.
    const frame = eventMessage(event);
    for (const client of clients.keys()) {
      // A slow reader loses events rather than making the process buffer without bound.
      if (client.readyState !== WebSocket.OPEN || client.bufferedAmount > maxBuffered) continue;
      client.send(frame, { binary: false });
    }
  };
  events.on('event', broadcast);

  const keepalive = setInterval(() => {
    for (const [client, state] of clients) {
      const overLimit = client.bufferedAmount > maxBuffered;
      if (!state.alive || (overLimit && state.overLimit)) {
        client.terminate();
        continue;
      }
      state.alive = false;
      state.overLimit = overLimit;
      client.ping();
    }
  }, options.pingIntervalMs ?? DEFAULT_PING_INTERVAL);
  // The host's server keeps the process alive; the hub's timer must not.
  keepalive.unref();

  const accept = (client: WebSocket): void => {
    if (closing) {
      client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      return;
    }
    const state: ClientState = { alive: true, overLimit: false };
    clients.set(client, state);
    client.on('pong', () => {
      state.alive = true;
    });
    client.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary && isPingRequest(data)) client.send(PONG_MESSAGE);
    });
    // ws reports protocol violations (such as an oversize message) here and then closes the socket itself.
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
    client.send(connectedMessage());
  };

  return {
    handleUpgrade(req, socket, head) {
      if (closing) {
        // Answered rather than dropped so the caller's socket does not dangle.
        rejectUpgrade(socket, 503, 'Dango is shutting down');
        return;
      }
      wss.handleUpgrade(req, socket, head, accept);
    },
    get clientCount() {
      return clients.size;
    },
    close() {
      closing ??= shutDown();
      return closing;
    },
  };

  async function shutDown(): Promise<void> {
    events.off('event', broadcast);
    clearInterval(keepalive);
    await Promise.all([...clients.keys()].map(closeClient));
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

/** Closes one client politely, cutting it off if it does not finish the closing handshake in time. */
function closeClient(client: WebSocket): Promise<void> {
  if (client.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close(CLOSE_GOING_AWAY, 'Server shutting down');
  });
}
