import type { Server } from 'node:http';
import Fastify from 'fastify';
import { DangoPlatform } from '@dango/core';
import { dango } from '@dango/fastify';

/** The example shop app with Dango registered, not yet listening. */
export interface ShopApp {
  server: Server;
  platform: DangoPlatform;
  /** Closes the app (and with it Dango's sockets) and the platform. */
  close(): Promise<void>;
}

/** Builds a Fastify app with its own routes and Dango's API, WebSocket and proxies under `/dango`. */
export async function createApp(projectDir: string, options: { watch?: boolean } = {}): Promise<ShopApp> {
  const platform = await DangoPlatform.open({ projectDir, watch: options.watch });
  const app = Fastify();

  // The app's own routes, as an existing shop backend would have them.
  app.get('/', async () => ({ app: 'shop', analytics: '/dango/api/docs' }));
  app.get('/orders/summary', async () => {
    const sources = await platform.listSources();
    return { sources: sources.map((s) => ({ name: s.name, rows: s.row_count, status: s.status })) };
  });

  await app.register(dango, { platform, prefix: '/dango' });
  await app.ready();
  return {
    server: app.server,
    platform,
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
}
