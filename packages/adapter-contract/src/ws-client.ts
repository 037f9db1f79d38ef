import type { OutgoingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

/** A JSON message received on a WebSocket. */
export type WsMessage = Record<string, unknown> & { type?: string };

/** A connected client that records every JSON message, so tests can await one in order. */
export interface WsRecorder {
  socket: WebSocket;
  messages: WsMessage[];
  /** Resolves with the first recorded message (past or future) matching `match`; rejects if the socket closes first. */
  next(match: (m: WsMessage) => boolean): Promise<WsMessage>;
  close(): Promise<void>;
}

/**
 * Opens a WebSocket and resolves once it is open, or rejects with the HTTP status of a refused upgrade.
 * `beforeOpen` runs on the new socket at once: a server's first message can arrive in the same packet
 * as the upgrade answer and is emitted right after 'open', before any awaiting code could listen.
 */
export function openWs(url: string, headers: OutgoingHttpHeaders = {}, beforeOpen?: (socket: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    beforeOpen?.(socket);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode }));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** The HTTP status with which the server refuses an upgrade (fails when the upgrade succeeds). */
export async function refusedUpgradeStatus(url: string, headers: OutgoingHttpHeaders = {}): Promise<number> {
  try {
    const socket = await openWs(url, headers);
    await closeWs(socket);
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status !== undefined) return status;
    throw err;
  }
  throw new Error(`the upgrade of ${url} was accepted`);
}

/** Closes a socket and resolves once the close handshake (or termination) is done. */
export function closeWs(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

/** Opens a recording client on `url`. */
export async function recordWs(url: string, headers: OutgoingHttpHeaders = {}): Promise<WsRecorder> {
  const messages: WsMessage[] = [];
  const waiters = new Set<{ match: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void; reject: (e: Error) => void }>();
  const socket = await openWs(url, headers, (s) => {
    s.on('message', (data) => {
      const message = JSON.parse(String(data)) as WsMessage;
      messages.push(message);
      for (const w of waiters) {
        if (w.match(message)) {
          waiters.delete(w);
          w.resolve(message);
        }
      }
    });
    s.on('close', () => {
      for (const w of waiters) w.reject(new Error('the WebSocket closed before the expected message'));
      waiters.clear();
    });
  });
  return {
    socket,
    messages,
    next: (match) => {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the WebSocket is not open'));
      return new Promise((resolve, reject) => waiters.add({ match, resolve, reject }));
    },
    close: () => closeWs(socket),
  };
}
