import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DangoPlatform } from '../platform';
import { createMount, type DangoMount, type MountOptions } from './mount';
import { rejectUpgrade } from './proxy-upgrade-reply';
import { writeJsonError } from './response-writer';

/** A plain `node:http` listener serving only Dango (the standalone server's, and the fourth "adapter"). */
export interface NodeListener {
  /** The request listener for `http.createServer(listener)`: non-Dango paths get 404 JSON. */
  listener(req: IncomingMessage, res: ServerResponse): void;
  /** The upgrade handler: Dango's WebSocket paths, anything else is refused with 404 and closed. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Adds `upgrade` as the server's 'upgrade' listener. */
  attach(server: Server): void;
  /** Closes WebSockets and proxy agents, and detaches from servers. */
  close(): Promise<void>;
  /** The underlying mount. */
  readonly mount: DangoMount;
}

/** Creates a Node request listener and upgrade handler for a server that serves Dango alone. */
export function createNodeListener(platform: DangoPlatform, options: MountOptions = {}): NodeListener {
  const mount = createMount(platform, options);
  const attached = new Set<Server>();
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // No one else listens on this server, so a foreign upgrade would otherwise hang forever.
    if (!mount.upgrade(req, socket, head)) rejectUpgrade(socket, 404, 'Not Found');
  };
  // One async function rather than two callbacks per request: nothing is allocated but its promise.
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!(await mount.handle(req, res))) writeJsonError(res, 404, 'Not Found');
    } catch {
      // handle() answers its own errors; this only guards against a write on a dead socket.
      if (!res.headersSent) writeJsonError(res, 500, 'Internal server error');
    }
  };
  return {
    mount,
    listener(req, res) {
      void serve(req, res);
    },
    upgrade,
    attach(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', upgrade);
    },
    async close() {
      for (const server of attached) server.off('upgrade', upgrade);
      attached.clear();
      await mount.close();
    },
  };
}
