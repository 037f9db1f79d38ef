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
 * NODE_ENV is forced because vitest sets it to `test`, which would bundle React's development build.
 * Builds the dashboard's static files when they are missing or older than the sources (`npm test`,
 * the bench and the screenshot script run no build first). Returns the `dist` folder.
 */
export function ensureUiBuilt(): string {
  let built = 0;
  try {
    built = statSync(path.join(UI_DIR, 'dist', 'index.html')).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(newest(path.join(UI_DIR, 'src')), statSync(path.join(UI_DIR, 'index.html')).mtimeMs, statSync(path.join(UI_DIR, 'vite.config.ts')).mtimeMs);
  if (built >= sources) return path.join(UI_DIR, 'dist');
  execFileSync(process.execPath, [path.join(UI_DIR, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: UI_DIR, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  return path.join(UI_DIR, 'dist');
}
