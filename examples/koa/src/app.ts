import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { DangoPlatform } from '@dango/core';
import { dango } from '@dango/koa';

/** The example shop app with Dango mounted, not yet listening. */
export interface ShopApp {
  server: http.Server;
  platform: DangoPlatform;
  /** Closes Dango's sockets, the server and the platform. */
  close(): Promise<void>;
}

/** Builds a Koa app with its own routes and Dango's API, WebSocket and proxies under `/dango`. */
export async function createApp(projectDir: string, options: { watch?: boolean } = {}): Promise<ShopApp> {
  const platform = await DangoPlatform.open({ projectDir, watch: options.watch });
  const app = new Koa();

  const mount = dango(platform, { prefix: '/dango' });
  app.use(mount);

  // The app's own routes, as an existing shop backend would have them.
  const router = new Router()
    .get('/', (ctx) => {
      ctx.body = { app: 'shop', analytics: '/dango/api/docs' };
    })
    .get('/orders/summary', async (ctx) => {
      const sources = await platform.listSources();
      ctx.body = { sources: sources.map((s) => ({ name: s.name, rows: s.row_count, status: s.status })) };
    });
  app.use(router.routes()).use(router.allowedMethods());

  const server = http.createServer(app.callback());
  mount.attach(server);
  return {
    server,
    platform,
    close: async () => {
      await mount.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await platform.close();
    },
  };
}
