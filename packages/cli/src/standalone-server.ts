import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerTokenAuthorizer, createNodeListener, DangoError, tokenLogin, type DangoPlatform } from '@dango/core';

/** A listening standalone server. */
export interface StandaloneServer {
  /** Base URL with the real port (also when asked for port 0). */
  url: string;
  port: number;
  host: string;
  /** Stops accepting, closes WebSockets and open connections; the platform stays open. */
  close(): Promise<void>;
}

/** `http://host:port`, with IPv6 hosts in brackets. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Serves the platform's API, `/ws`, docs and proxies on `host:port` (port 0 picks a free one). */
export async function startStandaloneServer(
  platform: DangoPlatform,
  options: { host: string; port: number; token?: string; allowedOrigins?: string[]; allowedHosts?: string[]; ui?: boolean },
): Promise<StandaloneServer> {
  const node = createNodeListener(platform, {
    ...(options.token ? { authorize: bearerTokenAuthorizer(options.token) } : {}),
    allowedOrigins: options.allowedOrigins ?? [],
    // The bound name or address is how clients reach this server (also 0.0.0.0, which clients may use for it).
    allowedHosts: [...(options.allowedHosts ?? []), options.host],
    ui: options.ui ?? false,
  });
  const { token } = options;
  // A browser cannot send the bearer header: `?token=` on any page logs it in with a cookie first.
  const server = createServer((req, res) => {
    if (!token || !tokenLogin(req, res, token)) node.listener(req, res);
  });
  node.attach(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await node.close();
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE') throw new DangoError('CONFLICT', `Port ${options.port} is already in use on ${options.host} (is another server running? pass --port)`);
    if (code === 'EACCES') throw new DangoError('FORBIDDEN', `Not allowed to listen on ${where} (ports below 1024 need privileges; pass --port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new DangoError('BAD_REQUEST', `Cannot listen on ${where}: no such address on this machine`);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: baseUrl(options.host, port),
    port,
    host: options.host,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await node.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
