import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// Folders dbt writes into; their changes never change the parsed project (installed packages do).
const SKIP = new Set(['target', 'logs', 'node_modules']);

/** A cheap key that changes whenever a file of the dbt project is added, removed or modified. */
export function projectFingerprint(dbtDir: string): string {
  const parts: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || (depth === 0 && SKIP.has(e.name))) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, depth + 1);
      else {
        try {
          const s = statSync(full);
          parts.push(`${full}\0${s.size}\0${s.mtimeMs}`);
        } catch {
          // Removed while walking: the next call sees the new state.
        }
      }
    }
  };
  walk(dbtDir, 0);
  return parts.sort().join('\n');
}
