import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root';

const PACKAGE_NAME = '@dango/core';

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

/** The installed `@dango/core` version. */
export function dangoVersion(): string {
  cached ??= findPackageVersion(PACKAGE_ROOT) ?? 'unknown';
  return cached;
}
