import http from 'node:http';
import { createNodeListener } from '@dango/core';
import { closeServer, createHostSocket, HOST_ROUTES, listen, once, runContract, VARIANTS, type MakeHost } from '../src';

/**
 * core's own listener serves Dango alone: unknown paths get its 404 JSON and it has no body-parser
 * hand-over, so the host here only routes its few paths (and its WebSocket) in front of it.
 */
const makeNodeHost: MakeHost = async ({ prefix, platform, mount }) => {
  const dango = createNodeListener(platform, mount);
  const hostSocket = createHostSocket();
  const own: Record<string, unknown> = { [HOST_ROUTES.before]: { route: 'before' }, [HOST_ROUTES.after(prefix)]: { route: 'after' } };
  const server = http.createServer((req, res) => {
    const body = req.method === 'GET' ? own[req.url ?? ''] : undefined;
    if (body === undefined) return dango.listener(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!hostSocket.claim(req, socket, head)) dango.upgrade(req, socket, head);
  });
  await listen(server);
  return {
    server,
    notFoundBody: { detail: 'Not Found' },
    close: once(async () => {
      await dango.close();
      hostSocket.close();
      await closeServer(server);
    }),
  };
};

runContract('node listener', makeNodeHost, { variants: VARIANTS.filter((v) => !v.hostParser) });
