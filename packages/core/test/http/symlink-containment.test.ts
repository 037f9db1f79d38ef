import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { getJson, makeProject, startServer, type TestServer } from './helpers';

/** The files of source `sales` the warehouse holds rows of. */
async function loadedFiles(platform: DangoPlatform): Promise<string[]> {
  const listing = await platform.listFiles('sales');
  return listing.files.filter((f) => f.loaded).map((f) => f.filename).sort();
}

describe('files that resolve outside the source directory', () => {
  let s: TestServer;
  let outside: string;
  beforeAll(async () => {
    s = await startServer();
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'user,password\nroot,hunter2\n');
    fs.mkdirSync(path.join(outside, 'dir'));
    fs.writeFileSync(path.join(outside, 'dir', 'more.csv'), 'user,password\nadmin,letmein\n');
    const dir = path.join(s.dir, 'data/uploads/sales');
    fs.writeFileSync(path.join(dir, 'real.csv'), 'id,amount\n1,10\n2,20\n');
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(dir, 'link.csv'));
    // A link to a file inside the directory is contained, and loads.
    fs.symlinkSync(path.join(dir, 'real.csv'), path.join(dir, 'alias.csv'));
  });
  afterAll(async () => {
    await s.close();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('are skipped by sync with a WARNING naming them, as DELETE refuses them', async () => {
    const result = await s.platform.sync('sales');
    expect(result.status).toBe('success');
    expect(result.rows_processed).toBe(4);
    expect(await loadedFiles(s.platform)).toEqual(['alias.csv', 'real.csv']);
    const columns = await s.platform.warehouse.query<{ name: string }>("SELECT column_name AS name FROM duckdb_columns() WHERE schema_name = 'raw_sales'");
    expect(columns.map((c) => c.name)).not.toContain('password');
    const warnings = (await s.platform.sourceLogs('sales')).filter((e) => e.level === 'WARNING');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/Skipped 'link\.csv': it resolves outside the source directory/)]);
    // The listing does not offer it either, and DELETE refuses it with the same rule.
    const listing = await getJson(`${s.url}/api/sources/sales/csv-files`);
    expect(listing.body.files.map((f: { filename: string }) => f.filename).sort()).toEqual(['alias.csv', 'real.csv']);
    const del = await getJson(`${s.url}/api/sources/sales/csv-files?file_path=link.csv`, { method: 'DELETE' });
    expect(del.status).toBe(403);
  });

  it('include a directory link in a recursive source', async () => {
    const dir = await makeProject();
    fs.writeFileSync(
      path.join(dir, '.dango/sources.yml'),
      'sources:\n  - name: sales\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/sales\n      file_pattern: "**/*.csv"\n',
    );
    fs.mkdirSync(path.join(dir, 'data/uploads/sales/inner'));
    fs.writeFileSync(path.join(dir, 'data/uploads/sales/inner/ok.csv'), 'id,amount\n1,10\n');
    fs.symlinkSync(path.join(outside, 'dir'), path.join(dir, 'data/uploads/sales/sub'));
    const platform = await DangoPlatform.open({ projectDir: dir });
    try {
      const result = await platform.sync('sales');
      expect(result.status).toBe('success');
      expect(await loadedFiles(platform)).toEqual(['inner/ok.csv']);
      const warnings = (await platform.sourceLogs('sales')).filter((e) => e.level === 'WARNING');
      expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/Skipped 'sub': it resolves outside the source directory/)]);
    } finally {
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
