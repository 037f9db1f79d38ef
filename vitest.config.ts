import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `npm test`.
export default defineConfig({
  resolve: {
    alias: {
      // Before '@dango/core', which would otherwise match as a prefix.
      '@dango/core/lite': src('./packages/core/src/lite.ts'),
      '@dango/core': src('./packages/core/src/index.ts'),
      '@dango/express': src('./packages/adapter-express/src/index.ts'),
      '@dango/fastify': src('./packages/adapter-fastify/src/index.ts'),
      '@dango/koa': src('./packages/adapter-koa/src/index.ts'),
      '@dango/cli': src('./packages/cli/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Builds @dango/ui's static files when missing or stale: browser tests serve the real dashboard.
    globalSetup: ['./packages/ui/test/build-once.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
