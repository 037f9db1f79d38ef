import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config';
import type { DangoPlatform } from '../../src/platform';
import { readCursorState, stageRowTables, widenRowType } from '../../src/sources/rows';
import { recordEvents, rows, type TestProject } from './helpers';
import { createSourcesProject, fixtureTable, fixtureTables } from './rows-helpers';

let project: TestProject;
let platform: DangoPlatform;
let tmp: string;
const savedTmp = process.env.TMPDIR;

beforeEach(async () => {
  // A private temp folder, so the test sees exactly the staging files its own syncs leave behind.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-rows-test-'));
  process.env.TMPDIR = tmp;
  project = await createSourcesProject([{ name: 'app', type: 'rows_fixture', enabled: true }]);
  platform = await project.open();
});

afterEach(async () => {
  await project.close();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const staged = () => fs.readdirSync(tmp).filter((f) => f.startsWith('dango-rows-'));

const users = (data: unknown[][], extra: Partial<Parameters<typeof fixtureTable>[0]> = {}) =>
  fixtureTable({
    name: 'users',
    columns: [
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'balance', type: 'DECIMAL(10,2)' },
      { name: 'updated_at', type: 'TIMESTAMP WITH TIME ZONE' },
    ],
    disposition: 'replace',
    rows: data,
    ...extra,
  });

describe('row loader', () => {
  it('loads every value exactly (NULL apart from empty text, quotes, newlines, bytes) with the load time as lineage', async () => {
    fixtureTables.set('app', [
      fixtureTable({
        name: 'things',
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'label', type: 'VARCHAR' },
          { name: 'amount', type: 'DECIMAL(20,4)' },
          { name: 'raw', type: 'BLOB', staged: { type: 'VARCHAR', sql: (c) => `from_hex(${c})` } },
        ],
        disposition: 'replace',
        rows: [
          [1, 'plain', '12345678901234.5678', Buffer.from([0, 1, 255])],
          [2, '', null, null],
          [3, null, '-0.0001', Buffer.alloc(0)],
          [4, 'say "hi",\nthen go', '0', Buffer.from('x')],
          ['9007199254740993', 'big', '1', null],
        ],
      }),
    ]);
    const result = await platform.sync('app');
    expect(result).toMatchObject({ status: 'success', rows_processed: 5 });
    const got = await rows(platform, `SELECT id::VARCHAR AS id, label, amount::VARCHAR AS amount, hex(raw) AS raw, _dango_loaded_at = '${result.started_at}'::TIMESTAMPTZ AS lineage FROM raw_app.things ORDER BY id`);
    expect(got).toEqual([
      { id: '1', label: 'plain', amount: '12345678901234.5678', raw: '0001FF', lineage: true },
      { id: '2', label: '', amount: null, raw: null, lineage: true },
      { id: '3', label: null, amount: '-0.0001', raw: '', lineage: true },
      { id: '4', label: 'say "hi",\nthen go', amount: '0.0000', raw: '78', lineage: true },
      { id: '9007199254740993', label: 'big', amount: '1.0000', raw: null, lineage: true },
    ]);
    expect(staged()).toEqual([]);
  });

  it('reports the rows and bytes staged per table as sync_progress (step reading), none of it in the activity log', async () => {
    const data = Array.from({ length: 300 }, (_, i) => [i, `user ${i}`, '1.00', '2024-01-01T00:00:00Z']);
    fixtureTables.set('app', [users(data)]);
    const events = recordEvents(platform, ['sync_progress']) as Array<{ step: string; rows?: number; bytes?: number }>;
    expect(await platform.sync('app')).toMatchObject({ status: 'success', rows_processed: 300 });
    const reading = events.filter((e) => e.step === 'reading');
    expect(reading.at(-1)).toMatchObject({ rows: 300 });
    // Every row's text (id, quoted name, amount, timestamp, line break) was staged: at least ~40 bytes a row.
    expect(reading.at(-1)!.bytes).toBeGreaterThan(300 * 40);
    const rowsSeen = reading.map((e) => e.rows!);
    expect(rowsSeen).toEqual([...rowsSeen].sort((a, b) => a - b));
    const logged = platform.logs({ limit: 1000 });
    expect(JSON.stringify(logged)).not.toMatch(/Reading users: /);
  });

  it('replace swaps the rows, append adds them', async () => {
    fixtureTables.set('app', [users([[1, 'a', '1.00', '2024-01-01T00:00:00Z']]), users([[7, 'log', null, null]], { name: 'events', disposition: 'append' })]);
    await platform.sync('app');
    fixtureTables.set('app', [users([[2, 'b', '2.00', '2024-01-02T00:00:00Z']]), users([[8, 'log2', null, null]], { name: 'events', disposition: 'append' })]);
    expect(await platform.sync('app')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await rows(platform, 'SELECT id, name FROM raw_app.users')).toEqual([{ id: 2, name: 'b' }]);
    expect(await rows(platform, 'SELECT id FROM raw_app.events ORDER BY id')).toEqual([{ id: 7 }, { id: 8 }]);
  });

  it('merge replaces rows by primary key and stores the cursor with the data; a full refresh resets it', async () => {
    const merge = { disposition: 'merge' as const, primaryKey: ['id'], cursor: 'updated_at' };
    fixtureTables.set('app', [users([[1, 'a', '1.00', '2024-01-01T00:00:00Z'], [2, 'b', '2.00', '2024-01-02T00:00:00Z']], merge)]);
    await platform.sync('app');
    expect((await readCursorState(platform.warehouse, 'app')).get('users')).toEqual({ cursor: 'updated_at', value: '2024-01-02 00:00:00.000000+00' });
    fixtureTables.set('app', [users([[2, 'b2', '2.50', '2024-01-03T10:00:00.5Z'], [3, 'c', '3.00', '2024-01-03T00:00:00Z']], merge)]);
    expect(await platform.sync('app')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await rows(platform, 'SELECT id, name, balance::VARCHAR AS balance FROM raw_app.users ORDER BY id')).toEqual([
      { id: 1, name: 'a', balance: '1.00' },
      { id: 2, name: 'b2', balance: '2.50' },
      { id: 3, name: 'c', balance: '3.00' },
    ]);
    expect((await readCursorState(platform.warehouse, 'app')).get('users')?.value).toBe('2024-01-03 10:00:00.500000+00');
    // An older window never moves the cursor back.
    fixtureTables.set('app', [users([[1, 'a1', '1.00', '2023-06-01T00:00:00Z']], merge)]);
    await platform.sync('app');
    expect((await readCursorState(platform.warehouse, 'app')).get('users')?.value).toBe('2024-01-03 10:00:00.500000+00');
    fixtureTables.set('app', [users([[5, 'e', '5.00', '2020-01-01T00:00:00Z']], merge)]);
    await platform.sync('app', { fullRefresh: true });
    expect((await readCursorState(platform.warehouse, 'app')).get('users')?.value).toBe('2020-01-01 00:00:00.000000+00');
    expect(await rows(platform, 'SELECT id FROM raw_app.users')).toEqual([{ id: 5 }]);
  });

  it('adds columns, widens types, keeps vanished columns, and reports each change (event, WARNING log, details)', async () => {
    fixtureTables.set('app', [users([[1, 'a', '1.00', null]])]);
    await platform.sync('app');
    const events = recordEvents(platform, ['schema_changed']);
    fixtureTables.set('app', [
      fixtureTable({
        name: 'users',
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'balance', type: 'DECIMAL(14,3)' },
          { name: 'updated_at', type: 'TIMESTAMP WITH TIME ZONE' },
          { name: 'email', type: 'VARCHAR' },
        ],
        disposition: 'append',
        rows: [['9007199254740993', '12345678901.125', null, 'x@y.z']],
      }),
    ]);
    expect(await platform.sync('app')).toMatchObject({ status: 'success', error_message: null });
    expect(await rows(platform, 'SELECT id::VARCHAR AS id, name, balance::VARCHAR AS balance, email FROM raw_app.users ORDER BY id')).toEqual([
      { id: '1', name: 'a', balance: '1.000', email: null },
      { id: '9007199254740993', name: null, balance: '12345678901.125', email: 'x@y.z' },
    ]);
    const changes = [
      { column: 'id', change: 'type_widened', from_type: 'INTEGER', to_type: 'BIGINT' },
      { column: 'balance', change: 'type_widened', from_type: 'DECIMAL(10,2)', to_type: 'DECIMAL(14,3)' },
      { column: 'email', change: 'column_added', from_type: null, to_type: 'VARCHAR' },
      { column: 'name', change: 'column_missing', from_type: 'VARCHAR', to_type: null },
    ];
    expect(events).toMatchObject([{ type: 'schema_changed', source: 'app', table: 'users', changes }]);
    const warning = platform.logs({ limit: 100 }).find((l) => l.type === 'schema_changed');
    expect(warning).toMatchObject({ level: 'WARNING' });
    expect(warning?.message).toContain('added column email (VARCHAR)');
    const details = await platform.getSource('app');
    expect(details.schema_changes.map(({ column, change }) => ({ column, change }))).toEqual(
      [...changes].reverse().map(({ column, change }) => ({ column, change })),
    );
    // The same shape again: nothing new to report (the vanished column was reported once).
    await platform.sync('app');
    expect(events).toHaveLength(1);
  });

  it('a failure after the data write rolls back the rows and the cursor together', async () => {
    const merge = { disposition: 'merge' as const, primaryKey: ['id'], cursor: 'updated_at' };
    fixtureTables.set('app', [users([[1, 'a', '1.00', '2024-01-01T00:00:00Z']], merge)]);
    await platform.sync('app');
    const source = platform.config.sources[0] as SourceConfig;
    const ctx = {
      source, schema: 'raw_app', root: project.dir, warehouse: platform.warehouse, loadedAt: new Date(), progress: () => undefined, warn: () => undefined, env: process.env,
      options: { fullRefresh: false, startDate: null, endDate: null, allowEmpty: false },
    };
    const prepared = await stageRowTables(ctx, [users([[2, 'b', '2.00', '2024-05-01T00:00:00Z']], merge)], await readCursorState(platform.warehouse, 'app'));
    const written = platform.warehouse.write(async (conn) => {
      await prepared.load(conn);
      expect(await conn.all('SELECT count(*)::INTEGER AS n FROM raw_app.users')).toEqual([{ n: 2 }]);
      throw new Error('crash after the data write');
    }, { transaction: true });
    await expect(written).rejects.toThrow('crash after the data write');
    expect(await rows(platform, 'SELECT id FROM raw_app.users')).toEqual([{ id: 1 }]);
    expect((await readCursorState(platform.warehouse, 'app')).get('users')?.value).toBe('2024-01-01 00:00:00.000000+00');
    expect(staged()).toEqual([]);
  });

  it('a failing table fails the sync and keeps every table and cursor as they were; temp files go', async () => {
    const merge = { disposition: 'merge' as const, primaryKey: ['id'], cursor: 'updated_at' };
    const list = fixtureTable({ name: 'lists', columns: [{ name: 'v', type: 'INTEGER[]', staged: { type: 'VARCHAR', sql: (c) => `${c}::JSON::INTEGER[]` } }], disposition: 'replace', rows: [['[1,2]']] });
    fixtureTables.set('app', [users([[1, 'a', '1.00', '2024-01-01T00:00:00Z']], merge), list]);
    await platform.sync('app');
    // users loads first; lists then fails in the same transaction (a list cannot widen to text).
    fixtureTables.set('app', [users([[2, 'b', '2.00', '2024-02-01T00:00:00Z']], merge), fixtureTable({ name: 'lists', columns: [{ name: 'v', type: 'VARCHAR' }], disposition: 'replace', rows: [['x']] })]);
    const failed = await platform.sync('app');
    expect(failed.status).toBe('failed');
    expect(failed.error_message).toContain('Column v of raw_app.lists changed type from INTEGER[] to VARCHAR');
    expect(await rows(platform, 'SELECT id FROM raw_app.users')).toEqual([{ id: 1 }]);
    expect((await readCursorState(platform.warehouse, 'app')).get('users')?.value).toBe('2024-01-01 00:00:00.000000+00');
    // Extraction failing half way through a table: nothing written, nothing staged left behind.
    fixtureTables.set('app', [users([[3, 'c', '3.00', '2024-03-01T00:00:00Z'], [4, 'd', '4.00', null], [5, 'e', '5.00', null]], { ...merge, batch: 1, failAfter: 2 })]);
    expect(await platform.sync('app')).toMatchObject({ status: 'failed', error_message: 'the source went away mid-table' });
    expect(await rows(platform, 'SELECT id FROM raw_app.users')).toEqual([{ id: 1 }]);
    expect(staged()).toEqual([]);
  });

  it('refuses merge without a primary key and source columns named like lineage', async () => {
    fixtureTables.set('app', [users([[1, 'a', '1', null]], { disposition: 'merge' })]);
    expect((await platform.sync('app')).error_message).toContain('cannot merge without a primary key');
    fixtureTables.set('app', [fixtureTable({ name: 't', columns: [{ name: '_dango_loaded_at', type: 'VARCHAR' }], disposition: 'replace', rows: [] })]);
    expect((await platform.sync('app')).error_message).toContain('reserved');
  });

  it('widens types without changing a value: decimals stay exact', () => {
    expect(widenRowType('DECIMAL(10,2)', 'DECIMAL(10,2)')).toBe('DECIMAL(10,2)');
    expect(widenRowType('DECIMAL(10,2)', 'DECIMAL(8,4)')).toBe('DECIMAL(12,4)');
    expect(widenRowType('DECIMAL(10,2)', 'BIGINT')).toBe('DECIMAL(21,2)');
    expect(widenRowType('DECIMAL(38,0)', 'DECIMAL(10,5)')).toBe('VARCHAR');
    expect(widenRowType('DECIMAL(10,2)', 'DOUBLE')).toBe('VARCHAR');
    expect(widenRowType('INTEGER', 'BIGINT')).toBe('BIGINT');
    expect(widenRowType('BIGINT', 'INTEGER')).toBe('BIGINT');
    expect(widenRowType('DATE', 'TIMESTAMP WITH TIME ZONE')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(widenRowType('INTEGER[]', 'VARCHAR')).toBeUndefined();
  });
});
