import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where a project keeps its files; every path is absolute. */
export interface ProjectPaths {
  root: string;
  dangoDir: string;
  projectFile: string;
  sourcesFile: string;
  historyDir: string;
  logsDir: string;
  activityLog: string;
  stateDir: string;
  serverFile: string;
  /** `.dango/.env`: secrets named by `*_env` keys (git-ignored). */
  envFile: string;
}

/** The fixed layout of a project folder (design section 4). */
export function projectPaths(root: string): ProjectPaths {
  const abs = path.resolve(root);
  const dangoDir = path.join(abs, '.dango');
  return {
    root: abs,
    dangoDir,
    projectFile: path.join(dangoDir, 'project.yml'),
    sourcesFile: path.join(dangoDir, 'sources.yml'),
    historyDir: path.join(dangoDir, 'history'),
    logsDir: path.join(dangoDir, 'logs'),
    activityLog: path.join(dangoDir, 'logs', 'activity.jsonl'),
    stateDir: path.join(dangoDir, 'state'),
    serverFile: path.join(dangoDir, 'server.json'),
    envFile: path.join(dangoDir, '.env'),
  };
}

/** The nearest folder at or above `start` that holds `.dango/`, or null. */
export function findProjectRoot(start: string = process.cwd()): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, '.dango', 'project.yml')) || existsSync(path.join(dir, '.dango', 'sources.yml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Resolves a project-relative path (as written in config) to an absolute one. */
export function resolveInProject(root: string, p: string): string {
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(root, p);
}
