import type { Options } from 'tsup';

/**
 * The build every publishable package shares: ESM + CJS with types for Node 20. `paths` is
 * emptied for declarations so sibling packages are imported as packages, not inlined from source.
 */
export const libraryBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CJS build (and __dirname in ESM) come from tsup's shims.
  shims: true,
};
