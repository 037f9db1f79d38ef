import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/platform';
import { bumpMtime, createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

/** Deletes a file through the platform and waits for the background sync that removes its rows. */
async function deleteAndSync(platform: DangoPlatform, file: string): Promise<void> {
  const synced = new Promise((resolve) => platform.once('sync_completed', resolve));
  await platform.deleteFile('sales', file);
  await synced;
}

/** Rows per file as the user sees them: the raw table joined to the source's files view. */
function perFile(project: TestProject): Promise<Array<{ file: string; id: number; n: number }>> {
  return rows(
    project.platform!,
    `SELECT _dango_file AS file, _dango_file_id AS id, count(*)::INTEGER AS n
       FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) GROUP BY ALL ORDER BY file`,
  );
}

/** Raw rows whose file id the view does not know (must always be none). */
async function orphans(project: TestProject): Promise<number> {
  const [r] = await rows<{ n: number }>(
    project.platform!,
    'SELECT count(*)::INTEGER AS n FROM raw_sales.sales s ANTI JOIN raw_sales._dango_files f USING (_dango_file_id)',
  );
  return r!.n;
}

describe('file lineage', () => {
  it('gives each file an id the _dango_files view resolves; a changed file keeps its id, a new one gets the next', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1], [2]]));
    project.write('sales', 'b.csv', csv(['id'], [[3]]));
    const platform = await project.open();
    await platform.sync('sales');
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 2 }, { file: 'b.csv', id: 2, n: 1 }]);

    bumpMtime(project.write('sales', 'a.csv', csv(['id'], [[1], [2], [4]])));
    project.write('sales', 'c.csv', csv(['id'], [[5]]));
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 4 });
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 3 }, { file: 'b.csv', id: 2, n: 1 }, { file: 'c.csv', id: 3, n: 1 }]);

    await deleteAndSync(platform, 'b.csv');
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 3 }, { file: 'c.csv', id: 3, n: 1 }]);
    expect(await rows(platform, 'SELECT _dango_file FROM raw_sales._dango_files ORDER BY 1')).toEqual([{ _dango_file: 'a.csv' }, { _dango_file: 'c.csv' }]);
    expect(await orphans(project)).toBe(0);
  });

  it('numbers files afresh on a full refresh and never leaves a row without its file', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', csv(['id'], [[2]]));
    await platform.sync('sales');
    await deleteAndSync(platform, 'a.csv');
    expect(await perFile(project)).toEqual([{ file: 'b.csv', id: 2, n: 1 }]);
    await platform.sync('sales', { fullRefresh: true });
    expect(await perFile(project)).toEqual([{ file: 'b.csv', id: 1, n: 1 }]);
    expect(await orphans(project)).toBe(0);
  });

  it('keeps the id of a file whose reload failed, so its previous rows still name it', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 'x']]));
    const platform = await project.open();
    await platform.sync('sales');
    bumpMtime(project.write('sales', 'a.csv', 'id,v\n2,"unclosed\n'));
    expect((await platform.sync('sales')).status).toBe('failed');
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 1 }]);
  });

  it('rebuilds a table written by an earlier build (file name as text, no file ids) on its next sync', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1], [2]]));
    const platform = await project.open();
    await platform.sync('sales');
    // What the earlier build left: a VARCHAR _dango_file column and a tracking table without file_id.
    await platform.warehouse.write(async (conn) => {
      await conn.run('ALTER TABLE raw_sales.sales DROP COLUMN _dango_file_id');
      await conn.run("ALTER TABLE raw_sales.sales ADD COLUMN _dango_file VARCHAR DEFAULT 'a.csv'");
      await conn.run('DROP VIEW raw_sales._dango_files');
      await conn.run('ALTER TABLE _dango.source_files DROP COLUMN file_id');
    });
    project.write('sales', 'b.csv', csv(['id'], [[3]]));
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3 });
    const columns = await rows<{ column_name: string }>(platform, 'DESCRIBE raw_sales.sales');
    expect(columns.map((c) => c.column_name)).toEqual(['id', '_dango_file_id', '_dango_loaded_at']);
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 2 }, { file: 'b.csv', id: 2, n: 1 }]);
  });

  it('refuses a file whose header uses the reserved _dango_ prefix, in any case, and keeps the data', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', csv(['id', '_DANGO_File_ID'], [[2, 9]]));
    const r = await platform.sync('sales');
    expect(r.error_message).toMatch(/^b\.csv has a column named _DANGO_File_ID: names starting with _dango_ are reserved/);
    expect(await perFile(project)).toEqual([{ file: 'a.csv', id: 1, n: 1 }]);
  });

  it('leaves the files view out of table counts', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const platform = await project.open();
    await platform.sync('sales');
    expect((await platform.getSource('sales')).tables.map((t) => t.name)).toEqual(['sales']);
    expect((await platform.health()).database.raw_tables).toBe(1);
  });
});
