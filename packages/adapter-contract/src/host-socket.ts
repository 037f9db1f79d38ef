import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

/** Where every contract host serves its own WebSocket echo, beside Dango's `/ws`. */
export const HOST_WS_PATH = '/host-ws';

/** The host app's own WebSocket echo route. */
export interface HostSocket {
  /** Takes the upgrade when it is for `HOST_WS_PATH`; returns false (socket untouched) otherwise. */
  claim(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

/** Creates the host's own WebSocket echo route, for hosts that dispatch upgrades themselves. */
export function createHostSocket(): HostSocket {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`host ${String(data)}`)));
  return {
    claim(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://x').pathname !== HOST_WS_PATH) return false;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/**
 * Attaches the host's WebSocket route the way host apps usually do (an `upgrade` listener that claims
 * only its path), so the suite proves Dango's listener leaves it alone. Returns a closer.
 */
export function attachHostSocket(server: Server): () => void {
  const hostSocket = createHostSocket();
  server.on('upgrade', (req, socket, head) => void hostSocket.claim(req, socket, head));
  return () => hostSocket.close();
}
