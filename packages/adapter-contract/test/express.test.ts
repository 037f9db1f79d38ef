import http from 'node:http';
import express from 'express';
import { dango } from '@dango/express';
import { HOST_ROUTES, runContract, serveMiddlewareHost, type MakeHost } from '../src';

const makeExpressHost: MakeHost = async ({ prefix, hostParser, platform, mount }) => {
  const app = express();
  if (hostParser) app.use(express.json());
  app.get(HOST_ROUTES.before, (_req, res) => void res.json({ route: 'before' }));
  const middleware = dango(platform, mount);
  app.use(middleware);
  app.get(HOST_ROUTES.after(prefix), (_req, res) => void res.json({ route: 'after' }));
  app.post(HOST_ROUTES.echo, (req, res) => void res.json({ body: req.body ?? null }));
  app.use((_req, res) => void res.status(404).json(HOST_ROUTES.notFoundBody));
  return serveMiddlewareHost(http.createServer(app), middleware);
};

runContract('express', makeExpressHost);
