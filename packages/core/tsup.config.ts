import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';
import { API_DOCS_DIR, API_DOCS_FILES, API_DOCS_LICENSES } from './src/node/docs-asset-files';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireDev = createRequire(path.join(here, 'package.json'));
const packageDir = (pkg: string) => path.dirname(requireDev.resolve(`${pkg}/package.json`));

/**
 * The package ships only `dist`, so the build copies in what core serves at run time: the dbt docs
 * site (`assets/`) and the few Swagger UI / ReDoc files (with their licenses) out of dev-only packages,
 * which keeps React, mobx, core-js and telemetry out of an app's install.
 */
function copyAssets(): void {
  const out = path.join(here, 'dist', 'assets');
  cpSync(path.join(here, 'assets'), out, { recursive: true });
  const apiDocs = path.join(out, API_DOCS_DIR);
  for (const [name, { pkg, file }] of Object.entries(API_DOCS_FILES)) cpSync(path.join(packageDir(pkg), file), path.join(apiDocs, name));
  for (const [pkg, files] of Object.entries(API_DOCS_LICENSES)) {
    for (const file of files) cpSync(path.join(packageDir(pkg), file), path.join(apiDocs, pkg, path.basename(file)));
  }
}

// `lite` is a second entry (errors and project paths, no DuckDB) for clients of a running server such as the CLI.
export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts', 'src/lite.ts'],
  async onSuccess() {
    copyAssets();
  },
});
