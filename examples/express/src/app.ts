import http from 'node:http';
import express from 'express';
import { DangoPlatform } from '@dango/core';
import { dango } from '@dango/express';

/** The example shop app with Dango mounted, not yet listening. */
export interface ShopApp {
  server: http.Server;
  platform: DangoPlatform;
  /** Closes Dango's sockets, the server and the platform. */
  close(): Promise<void>;
}

/** Builds an Express app with its own routes and Dango's API, WebSocket and proxies under `/dango`. */
export async function createApp(projectDir: string, options: { watch?: boolean } = {}): Promise<ShopApp> {
  const platform = await DangoPlatform.open({ projectDir, watch: options.watch });
  const app = express();
  app.use(express.json());

  // The app's own routes, as an existing shop backend would have them.
  app.get('/', (_req, res) => void res.json({ app: 'shop', analytics: '/dango/api/docs' }));
  app.get('/orders/summary', async (_req, res, next) => {
    try {
      const sources = await platform.listSources();
      res.json({ sources: sources.map((s) => ({ name: s.name, rows: s.row_count, status: s.status })) });
    } catch (err) {
      next(err);
    }
  });

  const mount = dango(platform, { prefix: '/dango' });
  app.use(mount);
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));

  const server = http.createServer(app);
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
