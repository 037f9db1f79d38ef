import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/platform';
import { postgresConnector } from '../../src/sources/connectors/sql/postgres';
import { readCursorState } from '../../src/sources/rows';
import { rows, type TestProject } from './helpers';
import { createSourcesProject } from './rows-helpers';
import { nextEvent, PG_URL, pgSchema, uniqueName, waitUntil } from './sql-helpers';

const PASSWORD = 'pw-Secret-9f83b1';
const URL_WITH_PASSWORD = `postgres://postgres:${PASSWORD}@127.0.0.1:5432/test`;

let db: Awaited<ReturnType<typeof pgSchema>>;
let project: TestProject;
let platform: DangoPlatform;

beforeEach(async () => {
  db = await pgSchema();
  process.env.DANGO_TEST_PG_URL = URL_WITH_PASSWORD;
});

afterEach(async () => {
  await project?.close();
  await db.drop();
});

async function open(options: Record<string, unknown> = {}): Promise<DangoPlatform> {
  project = await createSourcesProject([
    { name: 'app_db', type: 'postgres', enabled: true, postgres: { connection_string_env: 'DANGO_TEST_PG_URL', schema: db.schema, ...options } },
  ]);
  platform = await project.open();
  return platform;
}

const q = (sql: string) => rows(platform, sql);

/** Sessions waiting for a lock on `table` (another connection than the test's own). */
async function pgWaitingOn(table: string): Promise<number> {
  const probe = new pg.Client({ connectionString: PG_URL });
  await probe.connect();
  try {
    const { rows: found } = await probe.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE relation = $1::regclass AND NOT granted', [table]);
    return found[0]!.n;
  } finally {
    await probe.end();
  }
}

describe('postgres source', () => {
  it('maps every type exactly, NULLs included', async () => {
    await db.sql(`CREATE TYPE ${db.schema}.mood AS ENUM ('happy', 'sad')`);
    await db.sql(`CREATE TABLE ${db.schema}.types (
      id integer PRIMARY KEY, small smallint, big bigint, exact numeric(30,8), money_like numeric(12,2), anynum numeric,
      r real, d double precision, b boolean, t text, vc varchar(10), u uuid, dt date, ts timestamp, tstz timestamptz, tm time,
      iv interval, j json, jb jsonb, ints integer[], texts text[], nums numeric[], by bytea, m ${db.schema}.mood, inet_v inet)`);
    await db.sql(`INSERT INTO ${db.schema}.types VALUES (1, -32768, 9223372036854775807, 1234567890123456789012.12345678, -0.01, 3.141592653589793238462643383279,
      0.1, 0.30000000000000004, true, 'a "quoted", multi
line text', '', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.5+02', '23:59:59.999999',
      '-1 year -2 months +3 days -04:05:06.5', '{"a": [1, 2.50]}', '{"b": null}', '{1,NULL,3}', '{"x","y,z",""}', '{1.10,2}', '\\x00ff10', 'sad', '10.0.0.1/8')`);
    await db.sql(`INSERT INTO ${db.schema}.types (id) VALUES (2)`);
    await open();
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 2 });
    const columns = await q(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'raw_app_db' AND table_name = 'types' ORDER BY ordinal_position`);
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'INTEGER', small: 'SMALLINT', big: 'BIGINT', exact: 'DECIMAL(30,8)', money_like: 'DECIMAL(12,2)', anynum: 'VARCHAR',
      r: 'FLOAT', d: 'DOUBLE', b: 'BOOLEAN', t: 'VARCHAR', vc: 'VARCHAR', u: 'UUID', dt: 'DATE', ts: 'TIMESTAMP', tstz: 'TIMESTAMP WITH TIME ZONE', tm: 'TIME',
      iv: 'INTERVAL', j: 'JSON', jb: 'JSON', ints: 'INTEGER[]', texts: 'VARCHAR[]', nums: 'JSON', by: 'BLOB', m: 'VARCHAR', inet_v: 'VARCHAR',
      _dango_loaded_at: 'TIMESTAMP WITH TIME ZONE',
    });
    const [row, nulls] = await q(`SELECT big::VARCHAR AS big, exact::VARCHAR AS exact, money_like::VARCHAR AS money_like, anynum, r::VARCHAR AS r, d::VARCHAR AS d, b, t, vc,
      u::VARCHAR AS u, dt::VARCHAR AS dt, ts::VARCHAR AS ts, strftime(tstz AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') AS tstz, tm::VARCHAR AS tm,
      to_months(-14) + to_days(3) + to_microseconds(-14706500000) = iv AS iv_ok, j::VARCHAR AS j, jb::VARCHAR AS jb, to_json(ints)::VARCHAR AS ints, to_json(texts)::VARCHAR AS texts,
      nums::VARCHAR AS nums, hex("by") AS by, m, inet_v, small FROM raw_app_db.types ORDER BY id`);
    expect(row).toEqual({
      big: '9223372036854775807', exact: '1234567890123456789012.12345678', money_like: '-0.01', anynum: '3.141592653589793238462643383279',
      r: '0.1', d: '0.30000000000000004', b: true, t: 'a "quoted", multi\nline text', vc: '', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      dt: '2024-02-29', ts: '2024-01-02 03:04:05.123456', tstz: '2024-01-02 01:04:05.500000', tm: '23:59:59.999999', iv_ok: true,
      j: '{"a": [1, 2.50]}', jb: '{"b": null}', ints: '[1,null,3]', texts: '["x","y,z",""]', nums: '[1.10,2]', by: '00FF10', m: 'sad', inet_v: '10.0.0.1/8', small: -32768,
    });
    expect(Object.values(nulls!).every((v) => v === null)).toBe(true);
  });

  it('replaces tables without a cursor, merges by primary key from the cursor on, appends when asked', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, status text, updated_at timestamptz NOT NULL)`);
    await db.sql(`CREATE TABLE ${db.schema}.events (n int, at timestamp)`);
    await db.sql(`CREATE TABLE ${db.schema}.users (id int PRIMARY KEY, name text)`);
    await db.sql(`INSERT INTO ${db.schema}.orders VALUES (1, 'new', '2024-01-01T00:00:00Z'), (2, 'new', '2024-01-02T00:00:00Z')`);
    await db.sql(`INSERT INTO ${db.schema}.events VALUES (1, '2024-01-01'), (2, '2024-01-02')`);
    await db.sql(`INSERT INTO ${db.schema}.users VALUES (1, 'ann')`);
    await open({ exclude: [], incremental: { orders: { cursor: 'updated_at' }, events: { cursor: 'at', write_disposition: 'append' } } });
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 5 });
    await db.sql(`UPDATE ${db.schema}.orders SET status = 'paid', updated_at = '2024-01-03T00:00:00Z' WHERE id = 1`);
    await db.sql(`INSERT INTO ${db.schema}.orders VALUES (3, 'new', '2024-01-04T00:00:00Z')`);
    await db.sql(`INSERT INTO ${db.schema}.events VALUES (3, '2024-01-03')`);
    await db.sql(`UPDATE ${db.schema}.users SET name = 'bob'`);
    // orders re-reads from its last value (id 2 again, deduplicated by key): 3 rows; events: 1 new; users: replaced.
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 5 });
    expect(await q('SELECT id, status FROM raw_app_db.orders ORDER BY id')).toEqual([{ id: 1, status: 'paid' }, { id: 2, status: 'new' }, { id: 3, status: 'new' }]);
    expect(await q('SELECT n FROM raw_app_db.events ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await q('SELECT name FROM raw_app_db.users')).toEqual([{ name: 'bob' }]);
    const state = await readCursorState(platform.warehouse, 'app_db');
    expect(state.get('orders')).toEqual({ cursor: 'updated_at', value: '2024-01-04 00:00:00.000000+00' });
    expect(state.get('events')).toEqual({ cursor: 'at', value: '2024-01-03 00:00:00' });
  });

  it('bounds the cursor window by start_date and end_date', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, updated_at timestamptz NOT NULL)`);
    await db.sql(`INSERT INTO ${db.schema}.orders SELECT g, '2024-01-01T12:00:00Z'::timestamptz + (g - 1) * interval '1 day' FROM generate_series(1, 10) g`);
    await open({ incremental: { orders: { cursor: 'updated_at' } } });
    expect(await platform.sync('app_db', { startDate: '2024-01-03', endDate: '2024-01-05' })).toMatchObject({ status: 'success', rows_processed: 3 });
    expect(await q('SELECT id FROM raw_app_db.orders ORDER BY id')).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }]);
  });

  it('reports an added column and a widened type', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.items (id int PRIMARY KEY, price numeric(8,2))`);
    await db.sql(`INSERT INTO ${db.schema}.items VALUES (1, 9.99)`);
    await open();
    await platform.sync('app_db');
    await db.sql(`ALTER TABLE ${db.schema}.items ALTER COLUMN id TYPE bigint, ALTER COLUMN price TYPE numeric(12,3), ADD COLUMN sku text`);
    await db.sql(`INSERT INTO ${db.schema}.items VALUES (5000000000, 12345.678, 'X1')`);
    const changed = nextEvent(platform, 'schema_changed', (e) => e.table === 'items');
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect((await changed).changes.map((c) => `${c.change} ${c.column} ${c.to_type}`)).toEqual([
      'type_widened id BIGINT', 'type_widened price DECIMAL(12,3)', 'column_added sku VARCHAR',
    ]);
    const details = await platform.getSource('app_db');
    expect(details.schema_changes.map((c) => c.column)).toEqual(['sku', 'price', 'id']);
    expect(await q('SELECT id, price::VARCHAR AS price, sku FROM raw_app_db.items ORDER BY id')).toEqual([
      { id: 1, price: '9.990', sku: null }, { id: 5000000000, price: '12345.678', sku: 'X1' },
    ]);
  });

  it('reads every table from one snapshot', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.a (n int)`);
    await db.sql(`CREATE TABLE ${db.schema}.b (n int)`);
    await db.sql(`INSERT INTO ${db.schema}.a VALUES (1)`);
    await db.sql(`INSERT INTO ${db.schema}.b VALUES (1)`);
    await open({ tables: ['a', 'b'] });
    // Another transaction locks a and adds a row to b; the sync starts (its snapshot) and blocks on a.
    // Only then does the other transaction commit: reading b afterwards, the sync must not see the new row.
    await db.sql('BEGIN');
    await db.sql(`LOCK TABLE ${db.schema}.a IN ACCESS EXCLUSIVE MODE`);
    await db.sql(`INSERT INTO ${db.schema}.b VALUES (2)`);
    const started = platform.startSync('app_db');
    await waitUntil(async () => (await pgWaitingOn(`${db.schema}.a`)) > 0);
    await db.sql('COMMIT');
    expect(await started.done).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await q('SELECT (SELECT count(*) FROM raw_app_db.a)::INTEGER AS a, (SELECT count(*) FROM raw_app_db.b)::INTEGER AS b')).toEqual([{ a: 1, b: 1 }]);
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 3 });
  });

  it('fails clearly naming the table, keeps every table and cursor, and never shows the password', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, updated_at timestamptz NOT NULL)`);
    await db.sql(`CREATE TABLE ${db.schema}.secret (id int)`);
    await db.sql(`INSERT INTO ${db.schema}.orders VALUES (1, '2024-01-01T00:00:00Z')`);
    await db.sql(`INSERT INTO ${db.schema}.secret VALUES (1)`);
    await open({ incremental: { orders: { cursor: 'updated_at' } } });
    expect(await platform.sync('app_db')).toMatchObject({ status: 'success', rows_processed: 2 });

    // Permission denied on one table (a role that may read orders only): the whole sync fails, nothing moves.
    const role = uniqueName('dango_r');
    await db.sql(`CREATE ROLE ${role} LOGIN`);
    try {
      await db.sql(`GRANT USAGE ON SCHEMA ${db.schema} TO ${role}`);
      await db.sql(`GRANT SELECT ON ${db.schema}.orders TO ${role}`);
      await db.sql(`INSERT INTO ${db.schema}.orders VALUES (2, '2024-02-01T00:00:00Z')`);
      process.env.DANGO_TEST_PG_URL = `postgres://${role}:${PASSWORD}@127.0.0.1:5432/test`;
      const denied = await platform.sync('app_db');
      expect(denied.status).toBe('failed');
      expect(denied.error_message).toContain(`Permission denied reading ${db.schema}.secret`);
      expect(await q('SELECT id FROM raw_app_db.orders')).toEqual([{ id: 1 }]);
      expect((await readCursorState(platform.warehouse, 'app_db')).get('orders')?.value).toBe('2024-01-01 00:00:00.000000+00');
    } finally {
      await db.sql(`DROP OWNED BY ${role}`);
      await db.sql(`DROP ROLE ${role}`);
    }

    const failures: Record<string, [string, string]> = {
      unreachable: [`postgres://postgres:${PASSWORD}@127.0.0.1:1/test`, 'Cannot reach the PostgreSQL server at 127.0.0.1:1'],
      login: [`postgres://nobody_${PASSWORD.slice(3, 9)}x:${PASSWORD}@127.0.0.1:5432/test`, 'refused the login of user'],
    };
    for (const [url, expected] of Object.values(failures)) {
      process.env.DANGO_TEST_PG_URL = url;
      const result = await platform.sync('app_db');
      expect(result.status).toBe('failed');
      expect(result.error_message).toContain(expected);
      expect(result.error_message).not.toContain(PASSWORD);
    }
    process.env.DANGO_TEST_PG_URL = URL_WITH_PASSWORD;
    expect(await q('SELECT count(*)::INTEGER AS n FROM raw_app_db.secret')).toEqual([{ n: 1 }]);

    // Nothing the platform wrote or answers holds the password.
    const written = [JSON.stringify(await platform.getSource('app_db')), JSON.stringify(platform.logs({ limit: 1000 }))];
    for (const dir of ['.dango/history', '.dango/logs']) {
      for (const f of fs.readdirSync(path.join(project.dir, dir))) written.push(fs.readFileSync(path.join(project.dir, dir, f), 'utf8'));
    }
    for (const text of written) expect(text).not.toContain(PASSWORD);
  });

  it('names a missing table, and check() lists what would load', async () => {
    await db.sql(`CREATE TABLE ${db.schema}.orders (id int PRIMARY KEY, total numeric(10,2))`);
    await open({ tables: ['orders', 'nope'] });
    const result = await platform.sync('app_db');
    expect(result.error_message).toBe(`Table ${db.schema}.nope not found (or not visible to this user)`);
    const source = platform.config.sources[0]!;
    const ctx = { source: { ...source, postgres: { connection_string_env: 'DANGO_TEST_PG_URL', schema: db.schema } }, schema: 'raw_app_db', root: project.dir, warehouse: platform.warehouse, env: process.env };
    expect(await postgresConnector.check!(ctx, postgresConnector.config(ctx.source))).toEqual({ tables: [{ name: 'orders', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'total', type: 'DECIMAL(10,2)' }] }] });
    expect(() => postgresConnector.validate!({ ...source, postgres: { connection_string_env: 'X', host: 'h' } })).toThrow('connection_string_env excludes host');
    expect(() => postgresConnector.validate!({ ...source, postgres: { connection_string_env: 'X', tabels: [] } })).toThrow('postgres.tabels: unknown key (did you mean "tables"?)');
  });
});
