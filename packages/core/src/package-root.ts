import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * The `@dango/core` package folder. Source runs (`src/package-root.ts`) and builds (`dist/index.*`)
 * both sit one level below it; the CJS build gets `import.meta.url` from tsup's shims.
 */
export const PACKAGE_ROOT = path.resolve(MODULE_DIR, '..');

/**
 * The static files core serves: `dist/assets` in a build (tsup.config.ts copies them there, since a
 * package ships only `dist`), the `assets/` folder beside the sources when they run directly.
 */
export const ASSETS_DIR = path.basename(MODULE_DIR) === 'dist' ? path.join(MODULE_DIR, 'assets') : path.join(PACKAGE_ROOT, 'assets');
