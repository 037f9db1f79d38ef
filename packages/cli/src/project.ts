import { existsSync } from 'node:fs';
import path from 'node:path';
import { DangoError, findProjectRoot, projectPaths } from '@dango/core/lite';

/** The project folder a command works on: `--project DIR`, else the nearest folder upwards holding `.dango/`. */
export function resolveProjectDir(option: string | undefined, cwd: string = process.cwd()): string {
  if (option !== undefined) {
    const dir = path.resolve(cwd, option);
    if (!existsSync(projectPaths(dir).projectFile)) {
      throw new DangoError('NOT_FOUND', `No Dango project at ${dir} (.dango/project.yml is missing; run \`dango init ${option}\`)`);
    }
    return dir;
  }
  const found = findProjectRoot(cwd);
  if (!found) {
    throw new DangoError('NOT_FOUND', `No Dango project in ${cwd} or any folder above it (run \`dango init\` or pass --project DIR)`);
  }
  return found;
}
