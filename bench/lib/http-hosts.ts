import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createNodeListener, type DangoPlatform } from '@dango/core';
import { dango as dangoExpress } from '@dango/express';
import { dango as dangoFastify } from '@dango/fastify';
import { dango as dangoKoa } from '@dango/koa';

/** A listening server under load. */
export interface BenchServer {
  /** `GET /api/status` on this server. */
  url: string;
  /** `http://127.0.0.1:<port>`, for other routes of a mounted Dango. */
  origin: string;
  close(): Promise<void>;
}

/** The frameworks the HTTP bench compares (`node`: core's own listener against a bare `node:http` handler). */
export const FRAMEWORKS = ['express', 'fastify', 'koa', 'node'] as const;

/** One of `FRAMEWORKS`. */
export type Framework = (typeof FRAMEWORKS)[number];

/** What a host serves at `GET /api/status`: Dango's route, or a bare route returning a fixed JSON value. */
export type StatusSource = { platform: DangoPlatform } | { json: unknown };

async function listenNode(server: http.Server, close: () => Promise<void>): Promise<BenchServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return served((server.address() as AddressInfo).port, close);
}

function served(port: number, close: () => Promise<void>): BenchServer {
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/api/status`, origin, close };
}

function closeNode(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function expressHost(source: StatusSource): Promise<BenchServer> {
  const app = express();
  if ('platform' in source) {
    const mount = dangoExpress(source.platform);
    app.use(mount);
    const server = http.createServer(app);
    return listenNode(server, async () => {
      await mount.close();
      await closeNode(server);
    });
  }
  app.get('/api/status', (_req, res) => void res.json(source.json));
  const server = http.createServer(app);
  return listenNode(server, () => closeNode(server));
}

async function fastifyHost(source: StatusSource): Promise<BenchServer> {
  const app = Fastify();
  if ('platform' in source) await app.register(dangoFastify, { platform: source.platform });
  else app.get('/api/status', async () => source.json);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return served((app.server.address() as AddressInfo).port, () => app.close());
}

async function koaHost(source: StatusSource): Promise<BenchServer> {
  const app = new Koa();
  let closeMount = async (): Promise<void> => undefined;
  if ('platform' in source) {
    const mount = dangoKoa(source.platform);
    app.use(mount);
    closeMount = () => mount.close();
  } else {
    const router = new Router().get('/api/status', (ctx) => {
      ctx.body = source.json;
    });
    app.use(router.routes());
  }
  const server = http.createServer(app.callback());
  return listenNode(server, async () => {
    await closeMount();
    await closeNode(server);
  });
}

async function nodeHost(source: StatusSource): Promise<BenchServer> {
  if ('platform' in source) {
    const dango = createNodeListener(source.platform);
    const server = http.createServer(dango.listener);
    return listenNode(server, async () => {
      await dango.close();
      await closeNode(server);
    });
  }
  const body = JSON.stringify(source.json);
  const server = http.createServer((req, res) => {
    if (req.url !== '/api/status') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  return listenNode(server, () => closeNode(server));
}

/** Starts `framework` serving `GET /api/status` from `source` (with a platform: all of Dango's routes), on 127.0.0.1:0. */
export function startHost(framework: Framework, source: StatusSource): Promise<BenchServer> {
  if (framework === 'express') return expressHost(source);
  if (framework === 'fastify') return fastifyHost(source);
  if (framework === 'koa') return koaHost(source);
  return nodeHost(source);
}
