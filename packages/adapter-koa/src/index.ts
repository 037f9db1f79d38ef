import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createMount, type DangoPlatform, type MountOptions } from '@dango/core';

/** Options of the Koa middleware: the core mount options (prefix, proxies, authorize, origins, limits). */
export type DangoKoaOptions = MountOptions;

/** The context fields the middleware reads and writes; Koa's `Context` has them all. */
interface KoaLikeContext {
  req: IncomingMessage;
  res: ServerResponse;
  originalUrl: string;
  request: { body?: unknown };
  respond?: boolean;
}

/** Koa middleware serving Dango, plus the upgrade and lifecycle hooks a host needs. */
export interface DangoKoaMiddleware {
  (ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void>;
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
 * Koa middleware for `app.use(dango(platform, { prefix: '/dango' }))`. Requests outside Dango's paths
 * go to `next()`; everything else is written by core straight to the Node response. The prefix belongs
 * in the options even under koa-mount: upgrades and docs links need it too.
 */
export function dango(platform: DangoPlatform, options: DangoKoaOptions = {}): DangoKoaMiddleware {
  const mount = createMount(platform, options);

  const middleware = async (ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> => {
    // koa-mount and friends rewrite req.url; core wants the full URL and strips its own prefix.
    const mountedUrl = ctx.req.url;
    ctx.req.url = ctx.originalUrl;
    let handled: boolean;
    try {
      handled = await mount.handle(ctx.req, ctx.res, ctx.request.body);
    } finally {
      ctx.req.url = mountedUrl;
    }
    if (handled) {
      // Core owns the response now; Koa must not write a status or body of its own.
      ctx.respond = false;
      return;
    }
    await next();
  };

  return Object.assign(middleware, {
    prefix: mount.prefix,
    attach: (server: Server) => mount.attach(server),
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => mount.upgrade(req, socket, head),
    close: () => mount.close(),
  });
}
