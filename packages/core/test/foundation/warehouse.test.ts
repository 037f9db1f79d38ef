import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Warehouse, listTables, quoteIdent } from '../../src';

let dir: string;
let wh: Warehouse;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dango-wh-'));
  wh = await Warehouse.open(path.join(dir, 'data', 'warehouse.duckdb'));
});
afterEach(async () => {
  await wh.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('warehouse', () => {
  it('creates the file, the _dango schema and answers bound queries with plain values', async () => {
    const rows = await wh.query<{ n: number; s: string }>('SELECT 40 + $1::BIGINT AS n, $2 AS s', [2, "it's"]);
    expect(rows).toEqual([{ n: 42, s: "it's" }]);
    const schemas = await wh.query<{ schema_name: string }>("SELECT schema_name FROM information_schema.schemata WHERE schema_name = '_dango'");
    expect(schemas).toHaveLength(1);
    expect(await wh.sizeBytes()).toBeGreaterThan(0);
  });

  it('rolls a failed transactional write back completely', async () => {
    await wh.write((c) => c.run('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)'));
    await expect(
      wh.write(
        async (c) => {
          await c.run('INSERT INTO t VALUES (2)');
          await c.run('CREATE TABLE u (y INTEGER)');
          throw new Error('boom');
        },
        { transaction: true },
      ),
    ).rejects.toThrow('boom');
    expect(await wh.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }]);
    expect((await listTables(wh)).map((t) => t.name)).toEqual(['t']);
  });

  it('serialises writes in arrival order while reads see committed data', async () => {
    await wh.write((c) => c.run('CREATE TABLE log (i INTEGER)'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = wh.write(async (c) => {
      await c.run('INSERT INTO log VALUES (1)');
      await gate;
    }, { transaction: true });
    const second = wh.write((c) => c.run('INSERT INTO log VALUES (2)'));
    // The read is not blocked by the open write transaction, and does not see its rows yet.
    expect(await wh.query('SELECT count(*) AS n FROM log')).toEqual([{ n: 0 }]);
    expect(wh.pendingWrites).toBe(2);
    release();
    await Promise.all([first, second]);
    expect(await wh.query('SELECT i FROM log ORDER BY rowid')).toEqual([{ i: 1 }, { i: 2 }]);
  });

  it('lists tables with exact row counts and views without', async () => {
    await wh.write((c) => c.run(`CREATE SCHEMA raw_s; CREATE TABLE raw_s.a AS SELECT range AS i FROM range(5); CREATE VIEW raw_s.v AS SELECT 1 AS one`));
    const tables = await listTables(wh, 'raw_s');
    expect(tables).toEqual([
      { schema: 'raw_s', name: 'a', type: 'table', row_count: 5, column_count: 1 },
      { schema: 'raw_s', name: 'v', type: 'view', row_count: null, column_count: 1 },
    ]);
  });

  it('refuses a second instance on the same file in this process, and allows it after close', async () => {
    // DuckDB would silently diverge with two instances on one file, so the second open must fail loudly.
    const file = path.join(dir, 'data', 'warehouse.duckdb');
    await expect(Warehouse.open(path.join(dir, 'data', '..', 'data', 'warehouse.duckdb'))).rejects.toMatchObject({ code: 'CONFLICT' });
    await wh.close();
    wh = await Warehouse.open(file);
    expect(await wh.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('quotes identifiers safely', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(() => quoteIdent('')).toThrow(/Invalid identifier/);
  });
});

describe('warehouse release for another process', () => {
  it('lets a child process write the file while released, then reads its data', async () => {
    const { execa } = await import('execa');
    await wh.write((c) => c.run('CREATE TABLE t AS SELECT 1 AS x'));
    const script = `import('@duckdb/node-api').then(async (d) => {
      const i = await d.DuckDBInstance.create(process.argv[1]);
      const c = await i.connect();
      await c.run('INSERT INTO t VALUES (2)');
      c.closeSync(); i.closeSync();
    })`;
    const { read } = await wh.releaseDuring(async () => {
      // A read issued while the file is released waits, then sees the child's row.
      const pending = wh.query<{ n: number }>('SELECT count(*) AS n FROM t');
      await execa(process.execPath, ['-e', script, wh.path]);
      return { read: pending };
    });
    expect(await read).toEqual([{ n: 2 }]);
    await wh.write((c) => c.run('INSERT INTO t VALUES (3)'));
    expect(await wh.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
  });
});
