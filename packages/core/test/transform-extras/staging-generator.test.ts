import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Template } from '@huggingface/jinja';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isDangoError } from '../../src/errors';
import { GENERATED_MARKER, generateStagingModels, stagingModelName } from '../../src/transform/staging-generator';

let dir: string;
let staging: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  staging = path.join(dir, 'models', 'staging');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lineage = [
  { name: '_dango_file_id', type: 'INTEGER' },
  { name: '_dango_loaded_at', type: 'TIMESTAMP' },
];
const orders = {
  name: 'orders',
  columns: [
    { name: 'order_id', type: 'INTEGER' },
    { name: 'order', type: 'VARCHAR' },
    { name: 'Order Date', type: 'DATE' },
    { name: 'say "hi"', type: 'VARCHAR' },
    { name: '{{ oops }}', type: 'VARCHAR' },
    ...lineage,
  ],
};
const customers = { name: 'customers', columns: [{ name: 'id', type: 'INTEGER' }, ...lineage] };

const read = (name: string) => fs.readFileSync(path.join(staging, name), 'utf8');

/** Renders a generated model the way dbt would (source() -> relation, config() -> ''), with a real Jinja library. */
function renderModel(sql: string): string {
  return new Template(sql).render({
    source: (s: string, t: string) => `"raw_${s}"."${t.replaceAll('"', '""')}"`,
    config: () => '',
  });
}

describe('generateStagingModels', () => {
  it('writes one staging model per table and a sources yml, each starting with the marker', async () => {
    const result = await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [orders, customers] });
    const expected = ['stg_sales_orders.sql', 'stg_sales_customers.sql', '_sales__sources.yml'].map((f) => path.join(staging, f));
    expect(result).toEqual({ written: expected, kept: [] });

    const sql = read('stg_sales_orders.sql');
    expect(sql.split('\n')[0]).toBe(`-- ${GENERATED_MARKER}`);
    expect(sql).toContain("{{ config(materialized='view', schema='staging') }}");
    expect(sql).toContain("from {{ source('sales', 'orders') }}");
    expect(sql).toMatch(/^ {4}order_id,$/m);
    expect(sql).toMatch(/^ {4}"order",$/m);
    expect(sql).toMatch(/^ {4}"Order Date",$/m);
    expect(sql).toMatch(/^ {4}_dango_file,$/m);
    expect(sql).toMatch(/^ {4}_dango_loaded_at$/m);
    expect(sql).not.toContain('_dango_file_id,');
    // The files view is bookkeeping: joined by its name, never declared as a dbt source.
    expect(sql).toContain('left join raw_sales._dango_files using (_dango_file_id)');

    const ymlText = read('_sales__sources.yml');
    expect(ymlText.split('\n')[0]).toBe(`# ${GENERATED_MARKER}`);
    const yml = parse(ymlText);
    expect(yml.version).toBe(2);
    expect(yml.sources).toEqual([
      expect.objectContaining({
        name: 'sales',
        schema: 'raw_sales',
        tables: [{ name: 'orders' }, { name: 'customers' }],
      }),
    ]);
    expect(yml.models.map((m: { name: string }) => m.name)).toEqual(['stg_sales_orders', 'stg_sales_customers']);
    expect(yml.models[0].description).toMatch(/raw_sales\.orders/);
    expect(yml.models[1].columns).toEqual([
      { name: 'id', data_type: 'INTEGER' },
      { name: '_dango_file', data_type: 'VARCHAR', description: expect.stringMatching(/file.*relative to the source directory/i) },
      { name: '_dango_loaded_at', data_type: 'TIMESTAMP', description: expect.stringMatching(/loaded/i) },
    ]);
    expect(fs.readdirSync(staging).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('generates SQL that selects every column, odd names included, and joins the file path, from a real DuckDB table', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [orders] });
    const db = await DuckDBInstance.create(path.join(dir, 'w.duckdb'));
    const conn = await db.connect();
    try {
      await conn.run('CREATE SCHEMA raw_sales');
      const cols = orders.columns.map((c) => `"${c.name.replaceAll('"', '""')}" ${c.type}`).join(', ');
      await conn.run(`CREATE TABLE raw_sales.orders (${cols})`);
      await conn.run(`CREATE VIEW raw_sales._dango_files AS SELECT * FROM (VALUES (7, '2024/a.csv')) f(_dango_file_id, _dango_file)`);
      await conn.run(`INSERT INTO raw_sales.orders VALUES (1, 'big', DATE '2024-01-02', 'q', 'j', 7, TIMESTAMP '2024-01-03 00:00:00')`);
      const reader = await conn.runAndReadAll(renderModel(read('stg_sales_orders.sql')));
      expect(reader.columnNames()).toEqual(orders.columns.map((c) => (c.name === '_dango_file_id' ? '_dango_file' : c.name)));
      expect(reader.getRowsJson()[0]).toEqual([1, 'big', '2024-01-02', 'q', 'j', '2024/a.csv', '2024-01-03 00:00:00']);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('leaves unchanged files alone and rewrites generated ones when a column appears', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [customers] });
    const again = await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [customers] });
    expect(again).toEqual({ written: [], kept: [] });

    const wider = { name: 'customers', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'email', type: 'VARCHAR' }, ...lineage] };
    const result = await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [wider] });
    expect(result.written.map((f) => path.basename(f))).toEqual(['stg_sales_customers.sql', '_sales__sources.yml']);
    expect(read('stg_sales_customers.sql')).toMatch(/^ {4}email,$/m);
    expect(parse(read('_sales__sources.yml')).models[0].columns.map((c: { name: string }) => c.name)).toContain('email');
  });

  it('never overwrites a file whose marker the user removed', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [customers] });
    const file = path.join(staging, 'stg_sales_customers.sql');
    const owned = read('stg_sales_customers.sql').split('\n').slice(1).join('\n').replace('select', 'select distinct');
    fs.writeFileSync(file, owned);
    const ymlFile = path.join(staging, '_sales__sources.yml');
    fs.writeFileSync(ymlFile, 'version: 2\nsources:\n  - name: sales\n    schema: raw_sales\n    tables: [{ name: customers }]\n');

    const wider = { name: 'customers', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'email', type: 'VARCHAR' }, ...lineage] };
    const result = await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [wider] });
    expect(result).toEqual({ written: [], kept: [file, ymlFile] });
    expect(read('stg_sales_customers.sql')).toBe(owned);
    expect(read('_sales__sources.yml')).not.toContain('email');
  });

  it('keeps tables of a previous sync in the sources yml so their models still compile', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [orders, customers] });
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [customers] });
    const yml = parse(read('_sales__sources.yml'));
    expect(yml.sources[0].tables.map((t: { name: string }) => t.name).sort()).toEqual(['customers', 'orders']);
    expect(yml.models.map((m: { name: string }) => m.name).sort()).toEqual(['stg_sales_customers', 'stg_sales_orders']);
    expect(fs.existsSync(path.join(staging, 'stg_sales_orders.sql'))).toBe(true);
  });

  it('joins the files view only for tables whose rows carry a file id', async () => {
    const api = { name: 'events', columns: [{ name: 'id', type: 'INTEGER' }, { name: '_dango_loaded_at', type: 'TIMESTAMP' }] };
    await generateStagingModels({ dbtDir: dir, source: 'feed', tables: [api] });
    const sql = read('stg_feed_events.sql');
    expect(sql).not.toContain('join');
    expect(sql).not.toContain('_dango_file');
    expect(parse(read('_feed__sources.yml')).sources[0].tables).toEqual([{ name: 'events' }]);
  });

  it('never makes a platform table a source or a staging model, and drops the files view an earlier version declared', async () => {
    const ymlFile = path.join(staging, '_sales__sources.yml');
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(ymlFile, `# ${GENERATED_MARKER}\nversion: 2\nsources:\n  - name: sales\n    schema: raw_sales\n    tables:\n      - name: old\n      - name: _dango_files\n`);
    await generateStagingModels({ dbtDir: dir, source: 'sales', tables: [orders, { name: '_dango_state', columns: [{ name: 'k', type: 'VARCHAR' }] }] });
    expect(parse(read('_sales__sources.yml')).sources[0].tables.map((t: { name: string }) => t.name)).toEqual(['old', 'orders']);
    expect(fs.readdirSync(staging).filter((f) => f.includes('_dango'))).toEqual([]);
  });

  it('quotes the source identifier of a table whose name needs quoting', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'files', tables: [{ name: 'Q1 Report', columns: lineage }] });
    expect(read('stg_files_q1_report.sql')).toContain("source('files', 'Q1 Report')");
    expect(parse(read('_files__sources.yml')).sources[0].tables).toEqual([
      { name: 'Q1 Report', quoting: { identifier: true } },
    ]);
  });

  it('keeps Jinja delimiters in a table name out of comments and descriptions', async () => {
    await generateStagingModels({ dbtDir: dir, source: 'files', tables: [{ name: 'x{{y}}\nz', columns: lineage }] });
    const sql = read('stg_files_x_y_z.sql');
    expect(sql).toContain("source('files', 'x{{y}}\\nz')");
    expect(sql.split("source(")[0]).not.toMatch(/\{\{y/);
    expect(renderModel(sql)).toContain('from "raw_files"."x{{y}}\nz"');
    expect(parse(read('_files__sources.yml')).models[0].description).toBe('Staging view of raw_files.x__y___z, generated by Dango after each sync.');
  });

  it('rejects bad input with a clear error and writes nothing', async () => {
    const cases: [Parameters<typeof generateStagingModels>[0], RegExp][] = [
      [{ dbtDir: dir, source: 'Bad-Name', tables: [customers] }, /Invalid source name 'Bad-Name'/],
      [{ dbtDir: dir, source: 'sales', tables: [{ name: 'empty', columns: [] }] }, /has no columns/],
      [{ dbtDir: dir, source: 'sales', tables: [{ name: '', columns: lineage }] }, /without a name/],
      [{ dbtDir: dir, source: 'sales', tables: [{ name: '!!!', columns: lineage }] }, /Cannot derive a staging model name/],
      [
        { dbtDir: dir, source: 'sales', tables: [{ name: 'A-B', columns: lineage }, { name: 'a_b', columns: lineage }] },
        /'A-B' and 'a_b'.*'stg_sales_a_b'/,
      ],
    ];
    for (const [input, message] of cases) {
      const err = await generateStagingModels(input).catch((e: unknown) => e);
      expect(isDangoError(err, 'BAD_REQUEST')).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
    expect(fs.existsSync(staging)).toBe(false);
  });

  it('names models after the source and a normalised table name', () => {
    expect(stagingModelName('sales', 'orders')).toBe('stg_sales_orders');
    expect(stagingModelName('sales', 'Order Lines (2024)')).toBe('stg_sales_order_lines_2024');
  });
});
