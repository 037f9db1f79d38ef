import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@dango/core';

/** This module's folder in ESM (source under vitest/tsx, or `dist/index.js`) and in the CJS build. */
function moduleDir(): string {
  // The CJS build has no import.meta.url but has __dirname; ESM has the reverse.
  if (typeof __dirname === 'string') return __dirname;
  return path.dirname(fileURLToPath(import.meta.url));
}

/** Walks up from `dir` to the package.json of `@dango/core` and returns its version, or null. */
export function findPackageVersion(dir: string, name = PACKAGE_NAME): string | null {
  let current = path.resolve(dir);
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(current, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
    } catch {
      /* no package.json here: keep walking */
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return null;
}

let cached: string | undefined;

/** The installed `@dango/core` version (`src/health/` and `dist/` both sit below its package.json). */
export function dangoVersion(): string {
  cached ??= findPackageVersion(moduleDir()) ?? 'unknown';
  return cached;
}
