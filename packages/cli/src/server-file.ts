import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { projectPaths } from '@dango/core/lite';

/** `.dango/server.json`: how other `dango` processes find a running server of the project. */
export interface ServerInfo {
  pid: number;
  port: number;
  host: string;
  url: string;
  started_at: string;
}

function isServerInfo(value: unknown): value is ServerInfo {
  const v = value as Partial<ServerInfo> | null;
  return (
    typeof v === 'object' && v !== null && Number.isInteger(v.pid) && Number.isInteger(v.port) &&
    typeof v.host === 'string' && typeof v.url === 'string' && typeof v.started_at === 'string'
  );
}

/** Writes server.json atomically (temp file + rename), so a reader never sees half of it. */
export function writeServerFile(root: string, info: ServerInfo): void {
  const file = projectPaths(root).serverFile;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The recorded server, or null when there is none or the file is unreadable. */
export function readServerFile(root: string): ServerInfo | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(projectPaths(root).serverFile, 'utf8'));
    return isServerInfo(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Removes server.json; with `pid`, only when the file still names that process (a newer server keeps its file). */
export function removeServerFile(root: string, pid?: number): void {
  if (pid !== undefined) {
    const current = readServerFile(root);
    if (current && current.pid !== pid) return;
  }
  rmSync(projectPaths(root).serverFile, { force: true });
}

/** True when a process with this id exists (EPERM means it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
