import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSET_SUBDIR = path.join('assets', 'docs-site');

function moduleDir(): string {
  // The CJS build has no import.meta.url (esbuild empties import.meta there) but has __dirname.
  const url = (import.meta as { url?: string }).url;
  return url ? path.dirname(fileURLToPath(url)) : __dirname;
}

let cached: string | undefined;

/** The folder of the docs site's static files: `packages/core/assets/docs-site`, found above this module in source and in `dist/`. */
export function docsAssetDir(): string {
  if (cached) return cached;
  let dir = moduleDir();
  for (;;) {
    const candidate = path.join(dir, ASSET_SUBDIR);
    if (existsSync(path.join(candidate, 'index.html'))) return (cached = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`dbt docs assets (${ASSET_SUBDIR}) not found above ${moduleDir()}`);
    dir = parent;
  }
}
