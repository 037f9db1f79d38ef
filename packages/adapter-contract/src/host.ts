import type { Server } from 'node:http';
import type { DangoPlatform, MountOptions } from '@dango/core';
import { attachHostSocket } from './host-socket';
import { closeServer, listen } from './upstream';

/** One way of mounting: at the root or under a prefix, with or without the host's own JSON body parser. */
export interface HostVariant {
  prefix: '' | '/dango';
  hostParser: boolean;
}

/** What a contract host is built from. */
export interface HostSetup extends HostVariant {
  platform: DangoPlatform;
  /** The mount options to pass to the adapter as they are (prefix included). */
  mount: MountOptions;
}

/**
 * A host app listening on 127.0.0.1:0 with Dango mounted. Every host serves the same routes of its own:
 * `GET /host/before` -> `{route: 'before'}` registered before Dango, `GET <prefix>/host/after` ->
 * `{route: 'after'}` registered after it, `POST /host/echo` -> `{body}` (the parsed JSON, when the host
 * has a parser), any other unmatched path -> 404 `{host_404: true}`, and a WebSocket echo on
 * `HOST_WS_PATH` (see `attachHostSocket`).
 */
export interface RunningHost {
  server: Server;
  /** The body of the host's 404, when it differs from `HOST_ROUTES.notFoundBody` (a server serving Dango alone). */
  notFoundBody?: unknown;
  /** Closes Dango's mount and the host server (idempotent); resolves once the server has closed. */
  close(): Promise<void>;
}

/** Builds and starts one host. */
export type MakeHost = (setup: HostSetup) => Promise<RunningHost>;

/** The routes every host defines, so hosts cannot drift from what the suite asserts. */
export const HOST_ROUTES = {
  before: '/host/before',
  after: (prefix: string) => `${prefix}/host/after`,
  echo: '/host/echo',
  notFoundBody: { host_404: true },
} as const;

/** Wraps a closer so the suite's last test and its `afterAll` can both call it. */
export function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}

/** An adapter's middleware as the hosts below need it: its WebSocket hook and its teardown. */
export interface MountedMiddleware {
  attach(server: Server): void;
  close(): Promise<void>;
}

/**
 * Starts a host whose framework hands requests to Dango's middleware: attaches Dango's and the host's
 * WebSockets to `server`, listens on port 0, and closes all three (the Express and Koa hosts share this).
 */
export async function serveMiddlewareHost(server: Server, middleware: MountedMiddleware): Promise<RunningHost> {
  middleware.attach(server);
  const closeHostSocket = attachHostSocket(server);
  await listen(server);
  return {
    server,
    close: once(async () => {
      await middleware.close();
      closeHostSocket();
      await closeServer(server);
    }),
  };
}
