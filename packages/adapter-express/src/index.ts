import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMount, type DangoPlatform, type MountOptions } from '@dango/core';

/** Options of the Express middleware: the core mount options (prefix, proxies, authorize, origins, limits). */
export type DangoExpressOptions = MountOptions;

/** The request fields the middleware reads; Express's `Request` has them all. */
interface ExpressLikeRequest extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
}

/** Express middleware serving Dango, plus the upgrade and lifecycle hooks a host needs. */
export interface DangoExpressMiddleware {
  (req: ExpressLikeRequest, res: ServerResponse, next: (err?: unknown) => void): void;
  /** The mount prefix, normalised (`''` or `/something`). */
  readonly prefix: string;
  /** Routes `/ws` and proxied WebSocket upgrades of `server` to Dango; other upgrades are left alone. */
  attach(server: Server): void;
  /** Claims one upgrade request when it is Dango's (for hosts that dispatch upgrades themselves). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes Dango's WebSockets and proxy connections (the platform stays open). */
  close(): Promise<void>;
}

/**
 * Express middleware for `app.use(dango(platform, { prefix: '/dango' }))`. Requests outside Dango's
 * paths go to `next()`; everything else is answered by core, which also maps every error. The prefix
 * belongs in the options even under `app.use('/dango', ...)`: upgrades and docs links need it too.
 */
export function dango(platform: DangoPlatform, options: DangoExpressOptions = {}): DangoExpressMiddleware {
  const mount = createMount(platform, options);

  const middleware = (req: ExpressLikeRequest, res: ServerResponse, next: (err?: unknown) => void): void => {
    // Express rewrites req.url under app.use('/path', ...); core wants the full URL and strips its own prefix.
    const mountedUrl = req.url;
    if (req.originalUrl !== undefined) req.url = req.originalUrl;
    mount.handle(req, res, req.body).then(
      (handled) => {
        if (handled) return;
        req.url = mountedUrl;
        next();
      },
      (err: unknown) => {
        req.url = mountedUrl;
        next(err);
      },
    );
  };

  return Object.assign(middleware, {
    prefix: mount.prefix,
    attach: (server: Server) => mount.attach(server),
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => mount.upgrade(req, socket, head),
    close: () => mount.close(),
  });
}
