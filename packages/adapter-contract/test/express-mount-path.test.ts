import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dango } from '@dango/express';
import { closeServer, listen } from '../src';
import { createFixtureProject, type FixtureProject } from '../src/fixture-project';
import { call } from '../src/http-client';

// Express strips a mount path from req.url; the adapter must hand core the full URL anyway.
describe("express under app.use('/dango', ...)", () => {
  let fixture: FixtureProject;
  let server: http.Server;
  let base = '';
  let middleware: ReturnType<typeof dango>;

  beforeAll(async () => {
    fixture = await createFixtureProject();
    const app = express();
    middleware = dango(fixture.platform, { prefix: '/dango' });
    // A route after Dango inside the same mounted router only matches if req.url is restored.
    const router = express.Router();
    router.use(middleware);
    router.get('/host', (req, res) => void res.json({ url: req.url, original: req.originalUrl }));
    app.use('/dango', router);
    server = http.createServer(app);
    base = await listen(server);
  });

  afterAll(async () => {
    await middleware.close();
    await closeServer(server);
    await fixture.dispose();
  });

  it('serves Dango at the full path and restores req.url for the routes after it', async () => {
    expect(await call(`${base}/dango/api/sources`)).toMatchObject({ status: 200, json: [{ name: 'sales' }] });
    expect(await call(`${base}/dango/host?x=1`)).toMatchObject({ status: 200, json: { url: '/host?x=1', original: '/dango/host?x=1' } });
    expect((await call(`${base}/api/sources`)).status).toBe(404);
  });
});
