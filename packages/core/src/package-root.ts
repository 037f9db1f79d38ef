import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `@dango/core` package folder. Source runs (`src/package-root.ts`) and builds (`dist/index.*`)
 * both sit one level below it; the CJS build gets `import.meta.url` from tsup's shims.
 */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
