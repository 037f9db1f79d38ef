#!/usr/bin/env node
// The `dango` command. A published package runs the build in dist/; inside the monorepo (no dist/, or
// DANGO_CLI_SOURCE=1) it runs the TypeScript sources through tsx so tests and dev runs need no build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
const useSource = process.env.DANGO_CLI_SOURCE === '1' || !existsSync(fileURLToPath(built));

if (useSource) {
  const { register } = await import('tsx/esm/api');
  // The repo's tsconfig maps @dango/* to the packages' sources.
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import(pathToFileURL(fileURLToPath(new URL('../src/main.ts', import.meta.url))).href);
} else {
  await import(built.href);
}
