import { parseEnv } from 'node:util';
import { readTextIfExists } from '../files';
import type { ProjectPaths } from './paths';

/**
 * The environment sources read secrets from: `.dango/.env` (read once, if present) overlaid by
 * `process.env`, which is read live, so a variable the app sets after open is seen by the next sync.
 */
export async function loadProjectEnv(paths: ProjectPaths): Promise<Readonly<Record<string, string | undefined>>> {
  const text = await readTextIfExists(paths.envFile);
  const file: Record<string, string | undefined> = text === null ? {} : parseEnv(text);
  const lookup = (key: string): string | undefined => process.env[key] ?? file[key];
  return new Proxy(file, {
    get: (_target, key) => (typeof key === 'string' ? lookup(key) : undefined),
    has: (_target, key) => typeof key === 'string' && lookup(key) !== undefined,
    ownKeys: () => [...new Set([...Object.keys(file), ...Object.keys(process.env)])],
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && lookup(key) !== undefined ? { value: lookup(key), enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
