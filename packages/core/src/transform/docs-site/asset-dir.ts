import { existsSync } from 'node:fs';
import path from 'node:path';
import { ASSETS_DIR } from '../../package-root';

let cached: string | undefined;

/** The folder of the docs site's static files (`assets/docs-site`, copied to `dist/assets/docs-site` by the build). */
export function docsAssetDir(): string {
  if (cached) return cached;
  const dir = path.join(ASSETS_DIR, 'docs-site');
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`dbt docs assets not found in ${dir}`);
  return (cached = dir);
}
