import { existsSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root';

const ASSET_SUBDIR = path.join('assets', 'docs-site');

let cached: string | undefined;

/** The folder of the docs site's static files: `packages/core/assets/docs-site`, found above this module in source and in `dist/`. */
export function docsAssetDir(): string {
  if (cached) return cached;
  let dir = PACKAGE_ROOT;
  for (;;) {
    const candidate = path.join(dir, ASSET_SUBDIR);
    if (existsSync(path.join(candidate, 'index.html'))) return (cached = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`dbt docs assets (${ASSET_SUBDIR}) not found above ${PACKAGE_ROOT}`);
    dir = parent;
  }
}
