import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

// The CLI is ESM only and keeps core external; its declarations build from core's sources.
export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  external: ['@dango/core'],
});
