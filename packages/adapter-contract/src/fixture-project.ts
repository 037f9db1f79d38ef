import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DangoPlatform, initProject } from '@dango/core';

/** The CSV source every contract project declares. */
export const SOURCE = 'sales';

/** The one dbt model of contract projects; it depends on nothing, so syncs never run it. */
export const MODEL = 'region_list';

/** Upload limit of contract platforms, small so a 413 needs little data. */
export const MAX_UPLOAD_BYTES = 64 * 1024;

/** A temp project with one platform open on it. */
export interface FixtureProject {
  dir: string;
  /** The folder of the `sales` source. */
  salesDir: string;
  platform: DangoPlatform;
  /** Closes the platform and removes the folder. */
  dispose(): Promise<void>;
}

/** `rows` lines of sales data (plus a header), ids starting at `firstId`. */
export function salesCsv(rows: number, firstId = 1): string {
  const lines = ['id,region,amount'];
  for (let i = 0; i < rows; i++) lines.push(`${firstId + i},${['north', 'south', 'east'][i % 3]},${(i * 7.5).toFixed(2)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Creates a project with a CSV source `sales` holding one file (`seed.csv`, `seedRows` rows) and one
 * dbt model, and opens a platform on a real DuckDB file inside it.
 */
export async function createFixtureProject(seedRows = 10): Promise<FixtureProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'contract', organization: 'Contract Co' });
  fs.writeFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    `sources:\n  - name: ${SOURCE}\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/${SOURCE}\n      file_pattern: "*.csv"\n`,
  );
  const salesDir = path.join(dir, 'data', 'uploads', SOURCE);
  fs.mkdirSync(salesDir, { recursive: true });
  fs.writeFileSync(path.join(salesDir, 'seed.csv'), salesCsv(seedRows));
  fs.writeFileSync(path.join(dir, 'dbt', 'models', 'marts', `${MODEL}.sql`), "select * from (values ('north'), ('south'), ('east')) as t(region)\n");
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'warehouse.duckdb'), maxUploadBytes: MAX_UPLOAD_BYTES });
  return {
    dir,
    salesDir,
    platform,
    dispose: async () => {
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
