import Fastify from 'fastify';
import { dango } from '@dango/fastify';
import { attachHostSocket, HOST_ROUTES, once, runContract, type MakeHost } from '../src';

const makeFastifyHost: MakeHost = async ({ prefix, hostParser, platform, mount }) => {
  const app = Fastify();
  // Without a host parser the host scope parses nothing; with one it keeps Fastify's default JSON parser.
  if (!hostParser) app.removeAllContentTypeParsers();
  app.get(HOST_ROUTES.before, async () => ({ route: 'before' }));
  await app.register(dango, { platform, ...mount });
  app.get(HOST_ROUTES.after(prefix), async () => ({ route: 'after' }));
  app.post(HOST_ROUTES.echo, async (request) => ({ body: request.body ?? null }));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(HOST_ROUTES.notFoundBody));
  const closeHostSocket = attachHostSocket(app.server);
  app.addHook('preClose', async () => closeHostSocket());
  await app.listen({ port: 0, host: '127.0.0.1' });
  // app.close() closes Dango too: the plugin closes with the app.
  return { server: app.server, close: once(() => app.close()) };
};

runContract('fastify', makeFastifyHost);
