import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { dango } from '@dango/koa';
import { HOST_ROUTES, runContract, serveMiddlewareHost, type MakeHost } from '../src';
import { koaJsonParser } from './koa-json-parser';

const makeKoaHost: MakeHost = async ({ prefix, hostParser, platform, mount }) => {
  const app = new Koa();
  if (hostParser) app.use(koaJsonParser());
  const before = new Router().get(HOST_ROUTES.before, (ctx) => {
    ctx.body = { route: 'before' };
  });
  app.use(before.routes());
  const middleware = dango(platform, mount);
  app.use(middleware);
  const after = new Router()
    .get(HOST_ROUTES.after(prefix), (ctx) => {
      ctx.body = { route: 'after' };
    })
    .post(HOST_ROUTES.echo, (ctx) => {
      ctx.body = { body: (ctx.request as { body?: unknown }).body ?? null };
    });
  app.use(after.routes());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = HOST_ROUTES.notFoundBody;
  });
  return serveMiddlewareHost(http.createServer(app.callback()), middleware);
};

runContract('koa', makeKoaHost);
