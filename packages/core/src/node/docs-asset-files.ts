import type { DocsAssetName } from '../http/docs-pages';

/** Where the build copies the API docs' files inside `dist/assets`, and each file's package, path and content type. */
export const API_DOCS_DIR = 'api-docs';

/** The source of every served documentation asset: the build copies these out of dev-only packages. */
export const API_DOCS_FILES: Record<DocsAssetName, { pkg: string; file: string; type: string }> = {
  'swagger-ui.css': { pkg: 'swagger-ui-dist', file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  // Both bundles break when read as Latin-1, so the charset is always sent.
  'swagger-ui-bundle.js': { pkg: 'swagger-ui-dist', file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'redoc.standalone.js': { pkg: 'redoc', file: 'bundles/redoc.standalone.js', type: 'text/javascript; charset=utf-8' },
};

/** License texts shipped beside the copied files (`api-docs/<pkg>/`); Apache-2.0 asks for the NOTICE too. */
export const API_DOCS_LICENSES: Record<string, string[]> = {
  'swagger-ui-dist': ['LICENSE', 'NOTICE', 'swagger-ui-bundle.js.LICENSE.txt'],
  redoc: ['LICENSE', 'bundles/redoc.standalone.js.LICENSE.txt'],
};
