import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoError, Warehouse } from '../../src';
import { previewTable, profileColumn } from '../../src/warehouse/catalog-reader';

describe('catalog reads are bounded in time', () => {
  let dir: string;
  let wh: Warehouse;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dango-catalog-'));
    wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
    await wh.write(async (c) => {
      await c.run('CREATE SCHEMA marts');
      // Its one row needs a scan of a trillion numbers: no preview or profile of it ends in any test's lifetime.
      await c.run('CREATE VIEW marts.endless AS SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE i % 7 = 3');
      await c.run("CREATE TABLE marts.small AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, name)");
    });
  });
  afterAll(async () => {
    await wh?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('interrupts a preview past its deadline with a clear RUN_FAILED error, and the reader serves the next query', async () => {
    const err = await previewTable(wh, 'marts', 'endless', 10, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DangoError);
    expect(err).toMatchObject({ code: 'RUN_FAILED', message: "The preview of 'marts.endless' took longer than 0.2 s and was stopped" });
    // Every pooled reader still answers after the interrupt.
    for (let i = 0; i < 8; i++) expect((await previewTable(wh, 'marts', 'small', 10, 30_000)).rows).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('interrupts a profile past its deadline', async () => {
    const err = await profileColumn(wh, 'marts', 'endless', 'n', 200).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RUN_FAILED', message: "The profile of 'marts.endless.n' took longer than 0.2 s and was stopped" });
    expect(await profileColumn(wh, 'marts', 'small', 'name', 30_000)).toMatchObject({ rows: 2, distinct: 2, min: 'a', max: 'b' });
  });
});
