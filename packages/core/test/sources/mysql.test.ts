import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/platform';
import { mysqlConnector } from '../../src/sources/connectors/sql/mysql';
import { readCursorState } from '../../src/sources/rows';
import { rows, type TestProject } from './helpers';
import { createSourcesProject } from './rows-helpers';
import { mysqlDatabase, nextEvent, uniqueName, waitUntil } from './sql-helpers';

const PASSWORD = 'my-Secret-7c21ad';

let db: Awaited<ReturnType<typeof mysqlDatabase>>;
let project: TestProject;
let platform: DangoPlatform;

beforeEach(async () => {
  db = await mysqlDatabase();
  delete process.env.DANGO_TEST_MYSQL_PW;
});

afterEach(async () => {
  await project?.close();
  await db.drop();
});

async function open(options: Record<string, unknown> = {}): Promise<DangoPlatform> {
  project = await createSourcesProject([
    { name: 'shop', type: 'mysql', enabled: true, mysql: { host: '127.0.0.1', port: 3306, user: 'root', database: db.database, ...options } },
  ]);
  platform = await project.open();
  return platform;
}

const q = (sql: string) => rows(platform, sql);

describe('mysql source (MariaDB)', () => {
  it('maps every type exactly, NULLs included', async () => {
    await db.sql(`CREATE TABLE types (id int PRIMARY KEY, flag tinyint(1), tiny tinyint, us smallint unsigned, ubig bigint unsigned, big bigint,
      exact decimal(30,8), f float, d double, vc varchar(20), t text, dt date, dtm datetime(6), ts timestamp(6) NULL, tm time, yr year,
      j json, e enum('small','large'), s set('a','b','c'), bl blob, vb varbinary(8), u uuid)`);
    await db.sql(`INSERT INTO types VALUES (1, 1, -128, 65535, 18446744073709551615, -9223372036854775808, 1234567890123456789012.12345678, 0.5, 0.30000000000000004,
      '', 'a "quoted", multi\nline', '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.5', '-838:59:59', 2024,
      '{"a": [1, 2.50]}', 'large', 'a,c', x'00ff10', x'', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`);
    await db.sql('INSERT INTO types (id) VALUES (2)');
    await open();
    expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 2 });
    const columns = await q(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'raw_shop' AND table_name = 'types' ORDER BY ordinal_position`);
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'INTEGER', flag: 'BOOLEAN', tiny: 'TINYINT', us: 'USMALLINT', ubig: 'UBIGINT', big: 'BIGINT', exact: 'DECIMAL(30,8)', f: 'FLOAT', d: 'DOUBLE',
      vc: 'VARCHAR', t: 'VARCHAR', dt: 'DATE', dtm: 'TIMESTAMP', ts: 'TIMESTAMP WITH TIME ZONE', tm: 'INTERVAL', yr: 'SMALLINT', j: 'JSON', e: 'VARCHAR',
      s: 'VARCHAR[]', bl: 'BLOB', vb: 'BLOB', u: 'UUID', _dango_loaded_at: 'TIMESTAMP WITH TIME ZONE',
    });
    const [row, nulls] = await q(`SELECT flag, tiny, us, ubig::VARCHAR AS ubig, big::VARCHAR AS big, exact::VARCHAR AS exact, f::VARCHAR AS f, d::VARCHAR AS d, vc, t,
      dt::VARCHAR AS dt, dtm::VARCHAR AS dtm, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') AS ts, tm = -(to_hours(838) + to_minutes(59) + to_seconds(59)) AS tm_ok,
      yr, j::VARCHAR AS j, e, to_json(s)::VARCHAR AS s, hex(bl) AS bl, hex(vb) AS vb, u::VARCHAR AS u FROM raw_shop.types ORDER BY id`);
    expect(row).toEqual({
      flag: true, tiny: -128, us: 65535, ubig: '18446744073709551615', big: '-9223372036854775808', exact: '1234567890123456789012.12345678', f: '0.5',
      d: '0.30000000000000004', vc: '', t: 'a "quoted", multi\nline', dt: '2024-02-29', dtm: '2024-01-02 03:04:05.123456', ts: '2024-01-02 03:04:05.500000',
      tm_ok: true, yr: 2024, j: '{"a": [1, 2.50]}', e: 'large', s: '["a","c"]', bl: '00FF10', vb: '', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    });
    expect(Object.values(nulls!).every((v) => v === null)).toBe(true);
  });

  it('merges from the cursor, replaces, appends, windows by dates, and reports schema changes', async () => {
    await db.sql('CREATE TABLE orders (id int PRIMARY KEY, status varchar(10), updated_at datetime(3) NOT NULL)');
    await db.sql('CREATE TABLE events (n int, at date)');
    await db.sql('CREATE TABLE users (id int PRIMARY KEY, name text)');
    await db.sql("INSERT INTO orders VALUES (1, 'new', '2024-01-01 00:00:00'), (2, 'new', '2024-01-02 00:00:00')");
    await db.sql("INSERT INTO events VALUES (1, '2024-01-01'), (2, '2024-01-02')");
    await db.sql("INSERT INTO users VALUES (1, 'ann')");
    await open({ incremental: { orders: { cursor: 'updated_at' }, events: { cursor: 'at', write_disposition: 'append' } } });
    expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 5 });
    await db.sql("UPDATE orders SET status = 'paid', updated_at = '2024-01-03 00:00:00.250' WHERE id = 1");
    await db.sql("INSERT INTO orders VALUES (3, 'new', '2024-01-04 00:00:00')");
    await db.sql("INSERT INTO events VALUES (3, '2024-01-03')");
    await db.sql('ALTER TABLE users MODIFY id bigint, ADD COLUMN email text');
    await db.sql("UPDATE users SET name = 'bob', email = 'b@x.y'");
    const changed = nextEvent(platform, 'schema_changed', (e) => e.table === 'users');
    expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 5 });
    expect(await q('SELECT id, status FROM raw_shop.orders ORDER BY id')).toEqual([{ id: 1, status: 'paid' }, { id: 2, status: 'new' }, { id: 3, status: 'new' }]);
    expect(await q('SELECT n FROM raw_shop.events ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await q('SELECT id, name, email FROM raw_shop.users')).toEqual([{ id: 1, name: 'bob', email: 'b@x.y' }]);
    expect((await changed).changes.map((c) => `${c.change} ${c.column} ${c.to_type}`)).toEqual(['type_widened id BIGINT', 'column_added email VARCHAR']);
    expect((await readCursorState(platform.warehouse, 'shop')).get('orders')?.value).toBe('2024-01-04 00:00:00');
    // A date window: only the orders updated on January 3rd.
    await db.sql("UPDATE orders SET status = 'shipped'");
    expect(await platform.sync('shop', { startDate: '2024-01-03', endDate: '2024-01-03' })).toMatchObject({ status: 'success' });
    expect(await q('SELECT id, status FROM raw_shop.orders ORDER BY id')).toEqual([{ id: 1, status: 'shipped' }, { id: 2, status: 'new' }, { id: 3, status: 'new' }]);
  });

  it('reads every table from one consistent snapshot', async () => {
    await db.sql('CREATE TABLE a (n int)');
    await db.sql('CREATE TABLE b (n int)');
    await db.sql('INSERT INTO a VALUES (1)');
    await db.sql('INSERT INTO b VALUES (1)');
    await open({ tables: ['a', 'b'] });
    // Table a stays locked until the sync has taken its snapshot and waits for a; a row lands in b meanwhile.
    await db.sql('LOCK TABLES a WRITE, b WRITE');
    const started = platform.startSync('shop');
    await waitUntil(async () => {
      const list = (await db.sql("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table metadata lock%'")) as Array<{ n: number }>;
      return Number(list[0]!.n) > 0;
    });
    await db.sql('INSERT INTO b VALUES (2)');
    await db.sql('UNLOCK TABLES');
    expect(await started.done).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await q('SELECT (SELECT count(*) FROM raw_shop.b)::INTEGER AS b')).toEqual([{ b: 1 }]);
  });

  it('fails clearly naming the table, keeps every table and cursor, and never shows the password', async () => {
    await db.sql('CREATE TABLE orders (id int PRIMARY KEY, updated_at datetime NOT NULL)');
    await db.sql('CREATE TABLE secret (id int)');
    await db.sql("INSERT INTO orders VALUES (1, '2024-01-01 00:00:00')");
    await db.sql('INSERT INTO secret VALUES (1)');
    const user = uniqueName('dango_u');
    await db.sql(`CREATE USER '${user}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await db.sql(`CREATE USER '${user}'@'localhost' IDENTIFIED BY '${PASSWORD}'`);
    try {
      await open({ user, password_env: 'DANGO_TEST_MYSQL_PW', incremental: { orders: { cursor: 'updated_at' } } });
      process.env.DANGO_TEST_MYSQL_PW = PASSWORD;
      for (const host of ['%', 'localhost']) {
        await db.sql(`GRANT SELECT ON ${db.database}.orders TO '${user}'@'${host}'`);
        await db.sql(`GRANT SELECT ON ${db.database}.secret TO '${user}'@'${host}'`);
      }
      expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 2 });

      // secret stays visible (INSERT) but unreadable: the whole sync fails and nothing moves.
      for (const host of ['%', 'localhost']) {
        await db.sql(`REVOKE SELECT ON ${db.database}.secret FROM '${user}'@'${host}'`);
        await db.sql(`GRANT INSERT ON ${db.database}.secret TO '${user}'@'${host}'`);
      }
      await db.sql("INSERT INTO orders VALUES (2, '2024-02-01 00:00:00')");
      const denied = await platform.sync('shop');
      expect(denied.error_message).toContain(`Permission denied reading ${db.database}.secret`);
      expect(await q('SELECT id FROM raw_shop.orders')).toEqual([{ id: 1 }]);
      expect((await readCursorState(platform.warehouse, 'shop')).get('orders')?.value).toBe('2024-01-01 00:00:00');

      process.env.DANGO_TEST_MYSQL_PW = `${PASSWORD}-wrong`;
      const wrong = await platform.sync('shop');
      expect(wrong.error_message).toBe(`MySQL at 127.0.0.1:3306 rejected the password of user ${user} (source 'shop')`);
      delete process.env.DANGO_TEST_MYSQL_PW;
      expect((await platform.sync('shop')).error_message).toContain('environment variable DANGO_TEST_MYSQL_PW (named by password_env) is not set');
      process.env.DANGO_TEST_MYSQL_PW = PASSWORD;
      expect(JSON.stringify(await platform.getSource('shop'))).not.toContain(PASSWORD);
      expect(JSON.stringify(platform.logs({ limit: 1000 }))).not.toContain(PASSWORD);
      expect(await q('SELECT count(*)::INTEGER AS n FROM raw_shop.secret')).toEqual([{ n: 1 }]);
    } finally {
      await db.sql(`DROP USER '${user}'@'%'`);
      await db.sql(`DROP USER '${user}'@'localhost'`);
    }
  });

  it('names an unreachable server and a missing table; check() lists what would load', async () => {
    await db.sql('CREATE TABLE orders (id int PRIMARY KEY, total decimal(10,2))');
    await open({ tables: ['orders', 'nope'] });
    expect((await platform.sync('shop')).error_message).toBe(`Table ${db.database}.nope not found (or not visible to this user)`);
    const source = platform.config.sources[0]!;
    const ctx = (mysql: Record<string, unknown>) => ({ source: { ...source, mysql }, schema: 'raw_shop', root: project.dir, warehouse: platform.warehouse, env: process.env });
    const check = (c: ReturnType<typeof ctx>) => mysqlConnector.check!(c, mysqlConnector.config(c.source));
    await expect(check(ctx({ host: '127.0.0.1', port: 1, database: db.database }))).rejects.toThrow("Cannot reach the MySQL server at 127.0.0.1:1 (source 'shop')");
    // A connection string from the context's environment (the project's .dango/.env once merged).
    const viaUrl = { ...ctx({ connection_string_env: 'DANGO_TEST_MYSQL_URL' }), env: { DANGO_TEST_MYSQL_URL: `mysql://root@127.0.0.1:3306/${db.database}` } };
    expect(await check(viaUrl)).toEqual({
      tables: [{ name: 'orders', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'total', type: 'DECIMAL(10,2)' }] }],
    });
  });
});
