import { readdirSync } from 'node:fs';
import path from 'node:path';

/** A project file: its absolute path and its path relative to the dbt folder (with `/`). */
export interface ProjectFileRef {
  abs: string;
  rel: string;
}

/** Files under `dbtDir/<dir>` (for each dir) whose names end with one of `exts`, sorted, dot-folders skipped. */
export function scanFiles(dbtDir: string, dirs: string[], exts: string[]): ProjectFileRef[] {
  const out: ProjectFileRef[] = [];
  const walk = (abs: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(abs, e.name);
      if (e.isDirectory()) walk(full);
      else if (exts.some((x) => e.name.endsWith(x))) out.push({ abs: full, rel: path.relative(dbtDir, full).split(path.sep).join('/') });
    }
  };
  for (const d of dirs) walk(path.join(dbtDir, d));
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
