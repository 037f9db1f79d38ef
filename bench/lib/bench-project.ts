import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DangoPlatform, initProject } from '@dango/core';

/**
 * A project whose status needs no network (Metabase off, dbt docs served by Dango itself) and runs no
 * models after syncs, so only the route under test costs anything.
 */
export async function createBenchProject(name: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dango-bench-${name}-`));
  await initProject(dir, { name: `bench-${name}` });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  const text = fs.readFileSync(projectFile, 'utf8').replace(/metabase_url: .*/, 'metabase_url: false').replace(/auto_dbt: .*/, 'auto_dbt: false');
  fs.writeFileSync(projectFile, text);
  return dir;
}

/** The name of the i-th generated source. */
export const benchSourceName = (i: number): string => `source_${String(i).padStart(3, '0')}`;

/**
 * Grows `dir` to `count` CSV sources (100 rows each, one file), syncing the new ones, so one project
 * serves the 1-, 50- and 200-source measurements in turn. The warehouse file is `dir/warehouse.duckdb`.
 */
export async function growSources(dir: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => benchSourceName(i));
  const sources = names.map((name) => ({ name, type: 'csv', enabled: true, csv: { directory: `data/uploads/${name}`, file_pattern: '*.csv' } }));
  // JSON is YAML too.
  fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), JSON.stringify({ sources }, null, 1));
  const fresh = names.filter((name) => !fs.existsSync(path.join(dir, 'data', 'uploads', name)));
  for (const name of fresh) {
    fs.mkdirSync(path.join(dir, 'data', 'uploads', name), { recursive: true });
    const rows = Array.from({ length: 100 }, (_, r) => `${r},${name},${(r * 1.5).toFixed(2)}`);
    fs.writeFileSync(path.join(dir, 'data', 'uploads', name, 'data.csv'), `id,label,amount\n${rows.join('\n')}\n`);
  }
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'warehouse.duckdb') });
  try {
    for (const name of fresh) {
      const result = await platform.sync(name);
      if (result.status !== 'success') throw new Error(`sync of ${name} failed: ${result.error_message}`);
    }
  } finally {
    await platform.close();
  }
}
