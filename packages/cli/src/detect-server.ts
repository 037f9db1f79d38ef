import { existsSync } from 'node:fs';
import { projectPaths } from '@dango/core/lite';
import { sendRequest } from './http-request';
import { isPidAlive, readServerFile, removeServerFile, type ServerInfo } from './server-file';

const PROBE_TIMEOUT_MS = 3000;

/**
 * The project's running server, or null. A server counts as running when server.json names a live
 * process and it answers HTTP at all (any HTTP status: a 401 or 500 still proves it holds
 * the warehouse). A file naming a dead process, or an unreadable one, is stale and removed.
 */
export async function detectServer(root: string): Promise<ServerInfo | null> {
  const file = projectPaths(root).serverFile;
  if (!existsSync(file)) return null;
  const info = readServerFile(root);
  if (!info || !isPidAlive(info.pid)) {
    removeServerFile(root);
    return null;
  }
  try {
    // The least work a server does for an answer: an unknown route (404) proves it as well as a status report.
    await sendRequest(new URL('/api/dango-cli-probe', info.url), { timeoutMs: PROBE_TIMEOUT_MS });
    return info;
  } catch {
    // The pid may have been reused by an unrelated process; let the caller open the warehouse, whose
    // own lock error is clear if a server really holds it.
    return null;
  }
}
