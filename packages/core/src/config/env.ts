import { parseEnv } from 'node:util';
import { readTextIfExists } from '../files';
import type { ProjectPaths } from './paths';

/** The environment sources read secrets from: `.dango/.env` (if present) overlaid by `process.env`. */
export async function loadProjectEnv(paths: ProjectPaths): Promise<Readonly<Record<string, string | undefined>>> {
  const text = await readTextIfExists(paths.envFile);
  return Object.freeze({ ...(text === null ? {} : parseEnv(text)), ...process.env });
}
