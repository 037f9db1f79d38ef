import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root';
import type { DocsAssetName } from '../http/docs-pages';
import type { FileResponse } from '../http/types';

// Resolve from core's own package so its dependencies are found wherever it is installed.
const requireHere = createRequire(path.join(PACKAGE_ROOT, 'package.json'));

/** Where an installed package's file lives, or null when the package is missing. */
function packageFile(pkg: string, file: string): string | null {
  try {
    return path.join(path.dirname(requireHere.resolve(`${pkg}/package.json`)), file);
  } catch {
    return null;
  }
}

const ASSET_FILES: Record<DocsAssetName, [pkg: string, file: string, type: string]> = {
  'swagger-ui.css': ['swagger-ui-dist', 'swagger-ui.css', 'text/css; charset=utf-8'],
  // Both bundles break when read as Latin-1, so the charset is always sent.
  'swagger-ui-bundle.js': ['swagger-ui-dist', 'swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  'redoc.standalone.js': ['redoc', 'bundles/redoc.standalone.js', 'text/javascript; charset=utf-8'],
};

/** A documentation asset served from the installed `swagger-ui-dist` / `redoc` packages; null if not installed. */
export function docsAsset(name: DocsAssetName): FileResponse | null {
  const [pkg, file, type] = ASSET_FILES[name];
  const full = packageFile(pkg, file);
  if (!full) return null;
  return { kind: 'file', status: 200, path: full, headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } };
}
