import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/index';
import { closeTestProjects, createTestProject, type TestProject } from './helpers';

afterEach(closeTestProjects);

const SETUP = `
  CREATE SCHEMA crm;
  CREATE TABLE crm.customers (id INTEGER, name VARCHAR, email VARCHAR, updated_at TIMESTAMP);
  INSERT INTO crm.customers VALUES (1, 'Ann', 'ann@a.io', '2024-01-01'), (2, 'Bob', 'bob@b.io', '2024-01-01');
  CREATE TABLE crm.orders (order_id INTEGER, line INTEGER, status VARCHAR);
  INSERT INTO crm.orders VALUES (10, 1, 'placed'), (10, 2, 'placed'), (11, 1, 'placed');
`;

async function open(files: Record<string, string> = {}): Promise<{ project: TestProject; p: DangoPlatform; sql: (s: string) => Promise<void> }> {
  const project = await createTestProject('snapshots', files);
  const p = await project.open();
  const sql = (s: string) => p.warehouse.write((c) => c.run(s));
  await sql(SETUP);
  return { project, p, sql };
}

type Row = Record<string, unknown>;
const rows = (p: DangoPlatform, s: string) => p.warehouse.query<Row>(s);
const status = (r: { results: { name: string; status: string }[] }) => Object.fromEntries(r.results.map((x) => [x.name, x.status]));

describe('snapshots', () => {
  it('timestamp strategy: closes changed rows at the new updated_at, adds new keys, keeps deleted ones open', async () => {
    const { p, sql } = await open();
    const first = await p.snapshot();
    expect(status(first)).toEqual({ customers_snapshot: 'success', customers_check: 'success', orders_snapshot: 'success' });
    await sql(`UPDATE crm.customers SET name = 'Ann 2', updated_at = '2024-01-02' WHERE id = 1;
      DELETE FROM crm.customers WHERE id = 2; INSERT INTO crm.customers VALUES (3, 'Cy', 'cy@c.io', '2024-01-02')`);
    await p.snapshot({ select: ['customers_snapshot'] });
    // Unchanged rows (same updated_at) add no version, even when another column changed.
    await sql(`UPDATE crm.customers SET name = 'Ann 3', updated_at = '2024-01-03' WHERE id = 1; UPDATE crm.customers SET email = 'cy@new.io' WHERE id = 3`);
    const third = await p.snapshot({ select: ['customers_snapshot'] });
    expect(third.results.map((r) => r.name)).toEqual(['customers_snapshot']);
    const got = await rows(p, `SELECT id, name, email, cast(dbt_valid_from as varchar) AS vf, cast(dbt_valid_to as varchar) AS vt, cast(dbt_updated_at as varchar) AS ua, dbt_scd_id
      FROM snapshots.customers_snapshot ORDER BY id, dbt_valid_from`);
    // Expected versions written by hand; dbt_scd_id is md5 of the key and updated_at, as dbt computes it.
    const ids = await rows(p, `SELECT md5('1|2024-01-01 00:00:00') AS a, md5('1|2024-01-02 00:00:00') AS b, md5('1|2024-01-03 00:00:00') AS c, md5('2|2024-01-01 00:00:00') AS d, md5('3|2024-01-02 00:00:00') AS e`);
    const md5 = ids[0]!;
    expect(got).toEqual([
      { id: 1, name: 'Ann', email: 'ann@a.io', vf: '2024-01-01 00:00:00', vt: '2024-01-02 00:00:00', ua: '2024-01-01 00:00:00', dbt_scd_id: md5.a },
      { id: 1, name: 'Ann 2', email: 'ann@a.io', vf: '2024-01-02 00:00:00', vt: '2024-01-03 00:00:00', ua: '2024-01-02 00:00:00', dbt_scd_id: md5.b },
      { id: 1, name: 'Ann 3', email: 'ann@a.io', vf: '2024-01-03 00:00:00', vt: null, ua: '2024-01-03 00:00:00', dbt_scd_id: md5.c },
      { id: 2, name: 'Bob', email: 'bob@b.io', vf: '2024-01-01 00:00:00', vt: null, ua: '2024-01-01 00:00:00', dbt_scd_id: md5.d },
      { id: 3, name: 'Cy', email: 'cy@c.io', vf: '2024-01-02 00:00:00', vt: null, ua: '2024-01-02 00:00:00', dbt_scd_id: md5.e },
    ]);
    const cols = await rows(p, `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = 'snapshots' AND table_name = 'customers_snapshot' ORDER BY ordinal_position`);
    expect(cols).toEqual([
      { c: 'id', t: 'INTEGER' }, { c: 'name', t: 'VARCHAR' }, { c: 'email', t: 'VARCHAR' }, { c: 'updated_at', t: 'TIMESTAMP' },
      { c: 'dbt_scd_id', t: 'VARCHAR' }, { c: 'dbt_updated_at', t: 'TIMESTAMP' }, { c: 'dbt_valid_from', t: 'TIMESTAMP' }, { c: 'dbt_valid_to', t: 'TIMESTAMP' },
    ]);
  });

  it('timestamp strategy over many runs equals an SCD-2 history computed independently with window functions', async () => {
    const { p, sql } = await open();
    await sql(`DELETE FROM crm.customers; CREATE TABLE crm.history (run INTEGER, id INTEGER, name VARCHAR, updated_at TIMESTAMP)`);
    // A deterministic walk: each run inserts some keys and updates others (always moving updated_at forward).
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 1; run <= 6; run++) {
      const stmts: string[] = [];
      for (let id = 1; id <= 12; id++) {
        const r = next();
        if (run === 1 && r < 0.5) stmts.push(`INSERT INTO crm.customers VALUES (${id}, 'v${run}', null, TIMESTAMP '2024-01-01' + INTERVAL ${run} DAY)`);
        else if (run > 1 && r < 0.25) stmts.push(`INSERT INTO crm.customers SELECT ${id}, 'v${run}', null, TIMESTAMP '2024-01-01' + INTERVAL ${run} DAY WHERE NOT EXISTS (SELECT 1 FROM crm.customers WHERE id = ${id})`);
        else if (run > 1 && r < 0.6) stmts.push(`UPDATE crm.customers SET name = 'v${run}', updated_at = TIMESTAMP '2024-01-01' + INTERVAL ${run} DAY WHERE id = ${id}`);
      }
      stmts.push(`INSERT INTO crm.history SELECT ${run}, id, name, updated_at FROM crm.customers`);
      await sql(stmts.join(';\n'));
      expect((await p.snapshot({ select: ['customers_snapshot'] })).success).toBe(true);
    }
    const expected = await rows(p, `
      WITH versions AS (SELECT DISTINCT id, name, updated_at FROM crm.history)
      SELECT id, name, updated_at AS valid_from, lead(updated_at) OVER (PARTITION BY id ORDER BY updated_at) AS valid_to,
             md5(cast(id AS varchar) || '|' || cast(updated_at AS varchar)) AS scd_id
      FROM versions ORDER BY id, valid_from`);
    const got = await rows(p, `SELECT id, name, dbt_valid_from AS valid_from, dbt_valid_to AS valid_to, dbt_scd_id AS scd_id FROM snapshots.customers_snapshot ORDER BY id, valid_from`);
    expect(expected.length).toBeGreaterThan(12);
    expect(got).toEqual(expected);
  });

  it('check strategy with hard deletes over many runs matches a version history kept independently, run by run', async () => {
    const { p, sql } = await open();
    await sql('DELETE FROM crm.customers');
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    type Version = { id: number; name: string; email: string; from: number; to: number | null };
    const versions: Version[] = [];
    const open_ = new Map<number, Version>();
    const source = new Map<number, { name: string; email: string }>();
    const runs: { from: number; to: number }[] = [];
    for (let run = 0; run < 7; run++) {
      for (let id = 1; id <= 10; id++) {
        const r = next();
        const row = source.get(id);
        if (!row && r < 0.5) source.set(id, { name: `n${run}`, email: 'e0' });
        else if (row && r < 0.15) source.delete(id);
        else if (row && r < 0.35) source.set(id, { ...row, name: `n${run}` });
        else if (row && r < 0.5) source.set(id, { ...row, email: `e${run}` });
        else if (row && r < 0.6) source.set(id, { ...row }); // unchanged checked columns
      }
      const values = [...source].map(([id, v]) => `(${id}, '${v.name}', '${v.email}', TIMESTAMP '2024-01-01' + INTERVAL ${run} DAY)`);
      await sql(`DELETE FROM crm.customers; ${values.length ? `INSERT INTO crm.customers VALUES ${values.join(', ')}` : 'SELECT 1'}`);
      // What a check snapshot with hard deletes must hold after this run.
      for (const [id, v] of source) {
        const cur = open_.get(id);
        if (cur && cur.name === v.name && cur.email === v.email) continue;
        if (cur) cur.to = run;
        const fresh = { id, ...v, from: run, to: null };
        versions.push(fresh);
        open_.set(id, fresh);
      }
      for (const [id, cur] of open_) if (!source.has(id)) (cur.to = run, open_.delete(id));
      const before = Date.now();
      expect((await p.snapshot({ select: ['customers_check'] })).success).toBe(true);
      runs.push({ from: before, to: Date.now() });
    }
    const runOf = (ms: number | null) => (ms === null ? null : runs.findIndex((r) => ms >= r.from && ms <= r.to));
    const got = await rows(p, `SELECT id, name, email, epoch_ms(dbt_valid_from) AS vf, epoch_ms(dbt_valid_to) AS vt FROM snapshots.customers_check ORDER BY id, dbt_valid_from`);
    const sort = (list: Version[]) => [...list].sort((a, b) => a.id - b.id || a.from - b.from);
    expect(got.map((r) => ({ id: r.id, name: r.name, email: r.email, from: runOf(Number(r.vf)), to: runOf(r.vt === null ? null : Number(r.vt)) }))).toEqual(sort(versions));
    expect(versions.filter((v) => v.to !== null).length).toBeGreaterThan(5);
  });

  it('check strategy with invalidate_hard_deletes: versions on checked columns only, deleted keys closed, returning keys reopened', async () => {
    const { p, sql } = await open();
    await p.snapshot({ select: ['customers_check'] });
    await sql(`UPDATE crm.customers SET updated_at = '2025-01-01' WHERE id = 1`); // not a checked column
    await p.snapshot({ select: ['customers_check'] });
    expect(await rows(p, 'SELECT count(*)::int AS n FROM snapshots.customers_check')).toEqual([{ n: 2 }]);
    await sql(`UPDATE crm.customers SET email = 'ann@new.io' WHERE id = 1; DELETE FROM crm.customers WHERE id = 2`);
    await p.snapshot({ select: ['customers_check'] });
    await sql(`INSERT INTO crm.customers VALUES (2, 'Bob', 'bob@b.io', '2024-01-01')`);
    await p.snapshot({ select: ['customers_check'] });
    const got = await rows(p, `SELECT id, email, dbt_valid_from AS vf, dbt_valid_to AS vt FROM snapshots.customers_check ORDER BY id, dbt_valid_from`);
    expect(got.map((r) => [r.id, r.email, r.vt === null])).toEqual([[1, 'ann@a.io', false], [1, 'ann@new.io', true], [2, 'bob@b.io', false], [2, 'bob@b.io', true]]);
    // One snapshot time per run: the closed version ends exactly where its successor starts.
    expect(String(got[0]!.vt)).toBe(String(got[1]!.vf));
    // The deletion closed Bob in run 3; his return opened a new version in run 4.
    expect(String(got[2]!.vt)).toBe(String(got[1]!.vf));
    expect((got[3]!.vf as { valueOf(): number }) > (got[2]!.vt as { valueOf(): number })).toBe(true);
    const cols = await rows(p, `SELECT data_type AS t FROM information_schema.columns WHERE table_schema = 'snapshots' AND table_name = 'customers_check' AND column_name IN ('dbt_valid_from', 'dbt_valid_to')`);
    expect(cols).toEqual([{ t: 'TIMESTAMP' }, { t: 'TIMESTAMP' }]);
  });

  it('without hard deletes a deleted key stays current; a yml snapshot with hard_deletes: new_record marks it deleted', async () => {
    const { p, sql } = await open();
    await p.snapshot();
    await sql(`DELETE FROM crm.orders WHERE order_id = 11; UPDATE crm.orders SET status = 'shipped' WHERE order_id = 10 AND line = 2;
      DELETE FROM crm.customers WHERE id = 2`);
    await p.snapshot();
    expect(await rows(p, `SELECT count(*)::int AS n FROM snapshots.customers_snapshot WHERE id = 2 AND dbt_valid_to IS NULL`)).toEqual([{ n: 1 }]);
    // schema: history goes through dbt's default generate_schema_name: <target schema>_history.
    const got = await rows(p, `SELECT order_id, line, status, dbt_is_deleted AS del, dbt_valid_to IS NULL AS cur FROM main_history.orders_snapshot ORDER BY order_id, line, dbt_valid_from`);
    expect(got).toEqual([
      { order_id: 10, line: 1, status: 'placed', del: 'False', cur: true },
      { order_id: 10, line: 2, status: 'placed', del: 'False', cur: false },
      { order_id: 10, line: 2, status: 'shipped', del: 'False', cur: true },
      { order_id: 11, line: 1, status: 'placed', del: 'False', cur: false },
      { order_id: 11, line: 1, status: 'placed', del: 'True', cur: true },
    ]);
    // A third run with nothing changed adds nothing (the deletion mark is not repeated).
    await p.snapshot();
    expect(await rows(p, 'SELECT count(*)::int AS n FROM main_history.orders_snapshot')).toEqual([{ n: 5 }]);
  });

  it('names the meta columns by snapshot_meta_column_names and ends current rows at dbt_valid_to_current (dbt 1.9)', async () => {
    const { p, sql } = await open({
      'snapshots/renamed.yml': [
        'snapshots:',
        '  - name: renamed',
        "    relation: source('crm', 'customers')",
        '    config:',
        '      target_schema: snapshots',
        '      unique_key: id',
        '      strategy: timestamp',
        '      updated_at: updated_at',
        '      hard_deletes: new_record',
        '      dbt_valid_to_current: "cast(\'9999-12-31\' as timestamp)"',
        '      snapshot_meta_column_names: {dbt_valid_from: valid_from, dbt_valid_to: valid_to, dbt_scd_id: version_id, dbt_is_deleted: deleted}',
      ].join('\n'),
    });
    await p.snapshot({ select: ['renamed'] });
    await sql(`UPDATE crm.customers SET name = 'Ann 2', updated_at = '2024-01-05' WHERE id = 1; DELETE FROM crm.customers WHERE id = 2`);
    await p.snapshot({ select: ['renamed'] });
    await p.snapshot({ select: ['renamed'] });
    const cols = await rows(p, `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'snapshots' AND table_name = 'renamed' ORDER BY ordinal_position`);
    expect(cols.map((c) => c.c)).toEqual(['id', 'name', 'email', 'updated_at', 'version_id', 'dbt_updated_at', 'valid_from', 'valid_to', 'deleted']);
    const got = await rows(p, `SELECT id, name, cast(valid_from as varchar) AS vf, cast(valid_to as varchar) AS vt, deleted FROM snapshots.renamed ORDER BY id, valid_from`);
    expect(got.map((r) => [r.id, r.name, r.vf === null ? null : String(r.vf).slice(0, 10), String(r.vt).slice(0, 10), r.deleted])).toEqual([
      [1, 'Ann', '2024-01-01', '2024-01-05', 'False'],
      [1, 'Ann 2', '2024-01-05', '9999-12-31', 'False'],
      [2, 'Bob', '2024-01-01', String(got[3]!.vf).slice(0, 10), 'False'],
      [2, 'Bob', String(got[3]!.vf).slice(0, 10), '9999-12-31', 'True'],
    ]);
  });

  it('adds a new source column to the snapshot; a failing snapshot rolls back and reports the database error', async () => {
    const { p, sql } = await open();
    await p.snapshot({ select: ['customers_snapshot'] });
    await sql(`ALTER TABLE crm.customers ADD COLUMN tier VARCHAR; UPDATE crm.customers SET tier = 'gold', updated_at = '2024-02-01' WHERE id = 1`);
    await p.snapshot({ select: ['customers_snapshot'] });
    expect(await rows(p, 'SELECT id, tier FROM snapshots.customers_snapshot ORDER BY id, dbt_valid_from')).toEqual([{ id: 1, tier: null }, { id: 1, tier: 'gold' }, { id: 2, tier: null }]);
    await sql(`ALTER TABLE crm.customers RENAME COLUMN updated_at TO changed_at`);
    const r = await p.snapshot({ select: ['customers_snapshot'] });
    expect(r.success).toBe(false);
    expect(r.results[0]!.message).toMatch(/^Database error in snapshot customers_snapshot \(snapshots\/customers_snapshot\.sql\): .*updated_at/s);
    expect(await rows(p, 'SELECT count(*)::int AS n FROM snapshots.customers_snapshot')).toEqual([{ n: 3 }]);
  });

  it('runs a snapshot\'s pre- and post-hooks in its transaction; a failing hook rolls the snapshot back', async () => {
    const { p, project } = await open({
      'snapshots/hooked.sql': "{% snapshot hooked %}{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all', pre_hook='create table if not exists snapshots.hook_log (n int)', post_hook='insert into snapshots.hook_log select count(*) from {{ this }}') }}select id, name from {{ source('crm', 'customers') }}{% endsnapshot %}",
    });
    const first = await p.snapshot({ select: ['hooked'] });
    expect(first.results.map((x) => [x.status, x.message])).toEqual([['success', 'SELECT 2']]);
    expect(await rows(p, 'SELECT n FROM snapshots.hook_log')).toEqual([{ n: 2 }]);
    project.write('snapshots/hooked.sql', "{% snapshot hooked %}{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all', post_hook='select * from no_such_table') }}select id, 'changed' as name from {{ source('crm', 'customers') }}{% endsnapshot %}");
    const r = await p.snapshot({ select: ['hooked'] });
    expect(r.results[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^Database error in snapshot hooked \(snapshots\/hooked\.sql\): .*no_such_table/s) });
    expect(await rows(p, 'SELECT count(*)::int AS n FROM snapshots.hooked')).toEqual([{ n: 2 }]);
  });

  it('refuses a snapshot without a strategy or unique_key, naming it; the other snapshots still run', async () => {
    const { p } = await open({
      'snapshots/bad.sql': "{% snapshot bad_snap %}{{ config(unique_key='id') }}select 1 as id{% endsnapshot %}",
      'snapshots/bad2.sql': "{% snapshot bad_key %}{{ config(strategy='check', check_cols='all') }}select 1 as id{% endsnapshot %}",
    });
    const r = await p.snapshot();
    expect(status(r)).toMatchObject({ bad_snap: 'error', bad_key: 'error', customers_snapshot: 'success' });
    const msg = Object.fromEntries(r.results.map((x) => [x.name, x.message]));
    expect(msg.bad_snap).toBe("Snapshot bad_snap (snapshots/bad.sql) needs the config strategy: 'timestamp' or 'check'");
    expect(msg.bad_key).toBe('Snapshot bad_key (snapshots/bad2.sql) needs the config unique_key');
  });

  it('build runs snapshots in DAG order before the models that ref them; selection by resource_type and tag', async () => {
    const { project, p, sql } = await open();
    const r = await p.build();
    const manifest = JSON.parse(readFileSync(path.join(project.dbtDir, 'target', 'manifest.json'), 'utf8'));
    expect(manifest.nodes['snapshot.snap_shop.customers_snapshot']).toMatchObject({
      resource_type: 'snapshot', schema: 'snapshots', relation_name: '"snapshots"."customers_snapshot"', original_file_path: 'snapshots/customers_snapshot.sql',
      depends_on: { nodes: ['source.snap_shop.crm.customers'] }, config: { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', tags: ['scd'] },
    });
    expect(manifest.nodes['snapshot.snap_shop.orders_snapshot']).toMatchObject({ schema: 'main_history', description: 'Every version of every order', original_file_path: 'snapshots/orders.yml' });
    expect(manifest.child_map['snapshot.snap_shop.customers_snapshot']).toEqual(['model.snap_shop.current_customers']);
    const runResults = JSON.parse(readFileSync(path.join(project.dbtDir, 'target', 'run_results.json'), 'utf8'));
    expect(runResults.results.find((x: { unique_id: string }) => x.unique_id === 'snapshot.snap_shop.customers_snapshot')).toMatchObject({
      status: 'success', relation_name: '"snapshots"."customers_snapshot"', compiled_code: 'select * from "crm"."customers"',
    });
    const order = r.results.map((x) => x.name);
    expect(order.indexOf('customers_snapshot')).toBeLessThan(order.indexOf('current_customers'));
    expect(status(r)).toMatchObject({ current_customers: 'success', customers_snapshot: 'success', orders_snapshot: 'success' });
    expect(r.results.find((x) => x.name.startsWith('not_null_orders_snapshot'))?.status).toBe('pass');
    await sql(`UPDATE crm.customers SET name = 'Ann 2', updated_at = '2024-03-01' WHERE id = 1`);
    await p.snapshot({ select: ['resource_type:snapshot'], exclude: ['orders_snapshot'] });
    expect(await rows(p, 'SELECT id, name, cast(customer_since as varchar) AS s FROM main.current_customers ORDER BY id')).toEqual([
      { id: 1, name: 'Ann 2', s: '2024-03-01 00:00:00' }, { id: 2, name: 'Bob', s: '2024-01-01 00:00:00' },
    ]);
    const tagged = await p.snapshot({ select: ['tag:scd'] });
    expect(tagged.results.map((x) => x.name).sort()).toEqual(['customers_check', 'customers_snapshot', 'orders_snapshot']);
    expect((await p.transform()).results.map((x) => x.name)).toEqual(['current_customers']);
    // The model page shows the snapshot upstream, and the lineage runs through it to the source.
    const details = await p.modelDetails('current_customers');
    expect(details.upstream).toEqual([{ name: 'customers_snapshot', kind: 'snapshot' }]);
    expect(details.lineage.nodes.map((n) => [n.name, n.kind, n.depth])).toEqual([['crm.customers', 'source', -2], ['customers_snapshot', 'snapshot', -1], ['current_customers', 'model', 0]]);
  });
});
