import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createMount, type DangoPlatform, type MountOptions } from '@dango/core';

/** Options of `app.register(dango, { platform, prefix, ... })`: the platform plus the core mount options. */
export interface DangoFastifyOptions extends MountOptions {
  platform: DangoPlatform;
}

async function dangoPlugin(app: FastifyInstance, options: DangoFastifyOptions): Promise<void> {
  const { platform, ...mountOptions } = options;
  const mount = createMount(platform, mountOptions);
  mount.attach(app.server);
  // preClose, not onClose: Fastify's server.close() runs before onClose hooks and would wait on open WebSockets.
  app.addHook('preClose', async () => {
    await mount.close();
  });

  const serve = (request: FastifyRequest, reply: FastifyReply): void => {
    mount.handle(request.raw, reply.raw).then(
      (handled) => {
        // Core wrote the response on the raw socket; Fastify must not send one of its own.
        if (handled) reply.hijack();
        else reply.callNotFound();
      },
      (err: unknown) => {
        if (reply.raw.headersSent) reply.raw.destroy(err instanceof Error ? err : undefined);
        else reply.send(err);
      },
    );
  };

  // An encapsulated scope: its "parse nothing" content-type rule never reaches the host's routes, and
  // Dango's routes never see the host's parsers, so uploads stream through untouched.
  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.all('/*', serve);
      if (mount.prefix) scope.all('/', serve);
    },
    { prefix: mount.prefix },
  );
}

/**
 * The Fastify plugin. Wrapped with fastify-plugin so the upgrade listener and close hook belong to the
 * host instance; Dango's routes stay in their own encapsulated scope under the prefix.
 */
export const dango: FastifyPluginAsync<DangoFastifyOptions> = fp(dangoPlugin, { fastify: '5.x', name: '@dango/fastify' });
