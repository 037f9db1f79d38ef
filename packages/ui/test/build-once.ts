import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time under a folder (0 when it does not exist). */
function newest(dir: string): number {
  let latest = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  } catch {
    return 0;
  }
  return latest;
}

/**
 * Vitest global setup: `npm test` runs no build first, so the dashboard's static files are built here
 * once, before any worker starts, when they are missing or older than the sources.
 */
export default function setup(): void {
  let built = 0;
  try {
    built = statSync(path.join(UI_DIR, 'dist', 'index.html')).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(newest(path.join(UI_DIR, 'src')), statSync(path.join(UI_DIR, 'index.html')).mtimeMs, statSync(path.join(UI_DIR, 'vite.config.ts')).mtimeMs);
  if (built >= sources) return;
  execFileSync(process.execPath, [path.join(UI_DIR, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: UI_DIR, stdio: 'inherit' });
}
