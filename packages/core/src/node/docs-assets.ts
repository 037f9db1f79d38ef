import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ASSETS_DIR, PACKAGE_ROOT } from '../package-root';
import type { DocsAssetName } from '../http/docs-pages';
import type { FileResponse } from '../http/types';
import { API_DOCS_DIR, API_DOCS_FILES } from './docs-asset-files';

// Resolve from core's own package so its dev dependencies are found when the sources run in the repo.
const requireHere = createRequire(path.join(PACKAGE_ROOT, 'package.json'));

/** Where a dev-only package's file lives, or null when the package is not installed. */
function packageFile(pkg: string, file: string): string | null {
  try {
    return path.join(path.dirname(requireHere.resolve(`${pkg}/package.json`)), file);
  } catch {
    return null;
  }
}

const located = new Map<DocsAssetName, string | null>();

/** The copy a build ships in `dist/assets/api-docs`, else (sources run in the repo) the dev package's file. */
function locate(name: DocsAssetName): string | null {
  if (located.has(name)) return located.get(name)!;
  const built = path.join(ASSETS_DIR, API_DOCS_DIR, name);
  const { pkg, file } = API_DOCS_FILES[name];
  const found = existsSync(built) ? built : packageFile(pkg, file);
  located.set(name, found);
  return found;
}

/** A documentation asset (Swagger UI, ReDoc) shipped with the package; null if it is missing. */
export function docsAsset(name: DocsAssetName): FileResponse | null {
  const full = locate(name);
  if (!full) return null;
  return { kind: 'file', status: 200, path: full, headers: { 'content-type': API_DOCS_FILES[name].type, 'cache-control': 'public, max-age=86400' } };
}
