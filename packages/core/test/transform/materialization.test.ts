import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/index';
import { closeTestProjects, createTestProject, type TestProject } from './helpers';

const SOURCES = 'version: 2\nsources:\n  - name: app\n    schema: raw_app\n    tables:\n      - name: events\n';

let project: TestProject | undefined;
let platform: DangoPlatform | undefined;
afterEach(closeTestProjects);

async function setup(files: Record<string, string>, rawSql?: string): Promise<DangoPlatform> {
  project = await createTestProject(undefined, { 'models/sources.yml': SOURCES, ...files });
  platform = await project.open();
  if (rawSql) await platform.warehouse.write((c) => c.run(rawSql));
  return platform;
}

const rows = async <T = Record<string, unknown>>(sql: string) => platform!.warehouse.query<T>(sql);
const count = async (rel: string) => Number((await rows<{ n: number }>(`SELECT count(*) n FROM ${rel}`))[0]!.n);
const relationType = async (schema: string, name: string) =>
  (await rows<{ t: string }>(`SELECT table_type t FROM information_schema.tables WHERE table_schema = '${schema}' AND table_name = '${name}'`))[0]?.t ?? null;

const RAW = `CREATE SCHEMA raw_app; CREATE TABLE raw_app.events AS SELECT * FROM (VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)) t(id, kind, amount);`;

describe('materialisations', () => {
  it('replaces views and switches a relation between view and table', async () => {
    const p = await setup({ 'models/marts/m.sql': "select * from {{ source('app', 'events') }};\n" }, RAW);
    expect((await p.transform()).success).toBe(true);
    expect(await relationType('marts', 'm')).toBe('BASE TABLE');
    project!.write('models/marts/m.sql', "{{ config(materialized='view') }}select id from {{ source('app', 'events') }} where id > 1");
    expect((await p.transform()).success).toBe(true);
    expect(await relationType('marts', 'm')).toBe('VIEW');
    expect(await count('marts.m')).toBe(2);
    project!.write('models/marts/m.sql', "select id from {{ source('app', 'events') }}");
    expect((await p.transform()).success).toBe(true);
    expect(await relationType('marts', 'm')).toBe('BASE TABLE');
    expect(await count('marts.m')).toBe(3);
  });

  it('leaves the previous table untouched when a table model fails, and leaves no temp table behind', async () => {
    const p = await setup({ 'models/marts/m.sql': "select * from {{ source('app', 'events') }}" }, RAW);
    await p.transform();
    project!.write('models/marts/m.sql', "select cast(kind as integer) as broken from {{ source('app', 'events') }}");
    const r = await p.transform();
    expect(r.success).toBe(false);
    expect(r.results[0]).toMatchObject({ name: 'm', status: 'error' });
    expect(r.results[0]!.message).toMatch(/Database error in model m \(models\/marts\/m\.sql\): .*Conversion Error/);
    expect(await count('marts.m')).toBe(3);
    expect(await rows(`SELECT * FROM information_schema.tables WHERE table_name LIKE '%dbt_tmp%'`)).toEqual([]);
  });

  it('appends only new rows incrementally, and rebuilds on full refresh', async () => {
    const model = `{{ config(materialized='incremental') }}
select id, kind, amount from {{ source('app', 'events') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;
    const p = await setup({ 'models/marts/inc.sql': model }, RAW);
    expect((await p.transform()).results[0]).toMatchObject({ status: 'success', rows_affected: 3 });
    await p.warehouse.write((c) => c.run("INSERT INTO raw_app.events VALUES (4, 'd', 40), (5, 'e', 50)"));
    const second = await p.transform();
    expect(second.results[0]).toMatchObject({ status: 'success', rows_affected: 2, message: 'INSERT 2' });
    expect(await count('marts.inc')).toBe(5);
    expect(await rows('SELECT id FROM marts.inc ORDER BY id')).toEqual([1, 2, 3, 4, 5].map((id) => ({ id })));
    // a row removed upstream stays in the incremental table until a full refresh rebuilds it
    await p.warehouse.write((c) => c.run('DELETE FROM raw_app.events WHERE id = 1'));
    await p.transform();
    expect(await count('marts.inc')).toBe(5);
    expect((await p.transform({ fullRefresh: true })).results[0]).toMatchObject({ status: 'success', rows_affected: 4 });
    expect(await count('marts.inc')).toBe(4);
  });

  it('keeps an incremental model with full_refresh=false incremental even under --full-refresh', async () => {
    const model = `{{ config(materialized='incremental', full_refresh=false) }}
select id from {{ source('app', 'events') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}`;
    const p = await setup({ 'models/marts/keep.sql': model }, RAW);
    await p.transform();
    await p.warehouse.write((c) => c.run('DELETE FROM raw_app.events WHERE id = 1'));
    expect((await p.transform({ fullRefresh: true })).results[0]).toMatchObject({ status: 'success', message: 'INSERT 0' });
    expect(await count('marts.keep')).toBe(3);
  });

  for (const strategy of ['merge', 'delete+insert']) {
    it(`updates rows by unique_key with the ${strategy} strategy`, async () => {
      const model = `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}') }}
select id, kind, amount from {{ source('app', 'events') }}
{% if is_incremental() %}where amount <> coalesce((select max(amount) from {{ this }} t where t.id = events.id), -1){% endif %}`;
      const p = await setup({ 'models/marts/inc.sql': model }, RAW);
      await p.transform();
      await p.warehouse.write((c) => c.run("UPDATE raw_app.events SET amount = 99, kind = 'z' WHERE id = 2; INSERT INTO raw_app.events VALUES (4, 'd', 40)"));
      const r = await p.transform();
      expect(r.success).toBe(true);
      expect(await rows('SELECT id, kind, amount FROM marts.inc ORDER BY id')).toEqual([
        { id: 1, kind: 'a', amount: 10 }, { id: 2, kind: 'z', amount: 99 }, { id: 3, kind: 'c', amount: 30 }, { id: 4, kind: 'd', amount: 40 },
      ]);
    });
  }

  it('appends with delete+insert and no unique_key (dbt deletes nothing then), and refuses merge without one', async () => {
    const p = await setup({
      'models/marts/di.sql': "{{ config(materialized='incremental', incremental_strategy='delete+insert') }}select * from {{ source('app', 'events') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
      'models/marts/mg.sql': "{{ config(materialized='incremental', incremental_strategy='merge') }}select * from {{ source('app', 'events') }}",
    }, RAW);
    await p.transform();
    await p.warehouse.write((c) => c.run("INSERT INTO raw_app.events VALUES (4, 'd', 40)"));
    const r = await p.transform();
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName.di).toMatchObject({ status: 'success', message: 'INSERT 1' });
    expect(await count('marts.di')).toBe(4);
    expect(byName.mg).toMatchObject({ status: 'error' });
    expect(byName.mg!.message).toMatch(/'merge' of mg needs a unique_key/);
  });

  it('handles a source column change: select * tables pick it up, incremental on_schema_change decides', async () => {
    const p = await setup({
      'models/marts/all_cols.sql': "select * from {{ source('app', 'events') }}",
      'models/marts/inc_append.sql': "{{ config(materialized='incremental', on_schema_change='append_new_columns') }}select * from {{ source('app', 'events') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
      'models/marts/inc_fail.sql': "{{ config(materialized='incremental', on_schema_change='fail') }}select * from {{ source('app', 'events') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
      'models/marts/inc_ignore.sql': "{{ config(materialized='incremental') }}select * from {{ source('app', 'events') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
      'models/marts/uses_kind.sql': "select kind from {{ source('app', 'events') }}",
    }, RAW);
    expect((await p.transform()).success).toBe(true);
    await p.warehouse.write((c) => c.run("ALTER TABLE raw_app.events ADD COLUMN region VARCHAR; INSERT INTO raw_app.events VALUES (4, 'd', 40, 'eu')"));
    const r = await p.transform();
    const status = Object.fromEntries(r.results.map((x) => [x.name, x.status]));
    expect(status).toEqual({ all_cols: 'success', inc_append: 'success', inc_fail: 'error', inc_ignore: 'success', uses_kind: 'success' });
    expect(r.results.find((x) => x.name === 'inc_fail')!.message).toMatch(/columns of inc_fail changed \(added: region; removed: none\)/);
    expect((await rows<{ region: string | null }>('SELECT region FROM marts.inc_append WHERE id = 4'))[0]!.region).toBe('eu');
    expect((await rows('SELECT column_name FROM information_schema.columns WHERE table_name = \'inc_ignore\'')).length).toBe(3);
    expect(await count('marts.inc_ignore')).toBe(4);
    expect((await rows('SELECT column_name FROM information_schema.columns WHERE table_name = \'all_cols\'')).length).toBe(4);
    // a column the model uses disappears: the model fails with the database's message
    await p.warehouse.write((c) => c.run('ALTER TABLE raw_app.events RENAME COLUMN kind TO category'));
    const broken = await p.transform({ select: ['uses_kind'] });
    expect(broken.results[0]!.status).toBe('error');
    expect(broken.results[0]!.message).toMatch(/uses_kind.*kind/);
  });

  it('runs pre- and post-hooks in the model’s transaction, with Jinja rendered', async () => {
    const p = await setup({
      'dbt_project.yml': "name: hooks\nmodels:\n  hooks:\n    +materialized: table\n    +pre-hook: \"create table if not exists main.audit (what varchar)\"\n",
      'models/h.sql': "{{ config(post_hook=[\"insert into main.audit values ('built {{ this }}')\"]) }}select 1 as id",
      'models/bad_hook.sql': "{{ config(post_hook='insert into main.no_such_table values (1)') }}select 1 as id",
    });
    const r = await p.transform();
    expect(Object.fromEntries(r.results.map((x) => [x.name, x.status]))).toEqual({ bad_hook: 'error', h: 'success' });
    expect(await rows('SELECT what FROM main.audit')).toEqual([{ what: 'built "main"."h"' }]);
    // the failing post-hook rolled back its model too
    expect(await relationType('main', 'bad_hook')).toBeNull();
  });

  it('runs adapter.drop_relation in a hook before the hook’s own SQL, and refuses it outside hooks', async () => {
    const p = await setup({
      'dbt_project.yml': "name: hooks\nmodels:\n  hooks:\n    +materialized: table\n",
      'models/scratch.sql': "{{ config(materialized='view') }}select 1 as id",
      'models/cleaner.sql': [
        "{{ config(post_hook=[\"{% do adapter.drop_relation(this.incorporate(type='table')) %}\", \"{% do adapter.drop_relation(ref('scratch')) %}create table main.note as select 'cleaned' as what\"]) }}",
        "select * from {{ ref('scratch') }}",
      ].join('\n'),
      'models/outside.sql': "{% do adapter.drop_relation(ref('scratch')) %}select 1 as id",
    });
    const r = await p.transform({ select: ['scratch', 'cleaner'] });
    expect(Object.fromEntries(r.results.map((x) => [x.name, x.status]))).toEqual({ cleaner: 'success', scratch: 'success' });
    expect(await relationType('main', 'cleaner')).toBeNull();
    expect(await relationType('main', 'scratch')).toBeNull();
    expect(await rows('SELECT what FROM main.note')).toEqual([{ what: 'cleaned' }]);
    const outside = (await p.transform({ select: ['outside'] })).results[0]!;
    expect(outside.status).toBe('error');
    expect(outside.message).toMatch(/'adapter\.drop_relation' is available only in a model's or seed's pre-hook\/post-hook/);
  });

  it('inlines ephemeral models as CTEs and creates no relation for them', async () => {
    const p = await setup({
      'models/marts/eph_base.sql': "{{ config(materialized='ephemeral') }}select id, amount from {{ source('app', 'events') }}",
      'models/marts/eph_big.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('eph_base') }} where amount >= 20",
      'models/marts/final.sql': "with doubled as (select id, amount * 2 as amount from {{ ref('eph_big') }})\nselect * from doubled",
    }, RAW);
    const r = await p.transform();
    expect(r.results.map((x) => x.name)).toEqual(['final']);
    expect(await rows('SELECT id, amount FROM marts.final ORDER BY id')).toEqual([{ id: 2, amount: 40 }, { id: 3, amount: 60 }]);
    expect(await relationType('marts', 'eph_base')).toBeNull();
    const compiled = (await p.compile({ select: ['final'] })).results;
    expect(compiled.map((x) => x.status)).toEqual(['success']);
    const sql = (await import('node:fs')).readFileSync(`${project!.dbtDir}/target/compiled/transform_test/models/marts/final.sql`, 'utf8').trim();
    expect(sql.startsWith('with __dbt__cte__eph_base as (')).toBe(true);
    expect(sql).toContain('__dbt__cte__eph_big as (');
    expect(sql).toContain('doubled as (select id, amount * 2 as amount from __dbt__cte__eph_big)');
  });

  it('loads seeds through DuckDB’s CSV reader with column_types, replacing them on reseed', async () => {
    const p = await setup({
      'seeds/codes.csv': 'code,label\n001,first\n002,second\n',
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: codes\n    config:\n      column_types:\n        code: varchar\n',
    });
    const r = await p.seed();
    expect(r.results[0]).toMatchObject({ name: 'codes', status: 'success', rows_affected: 2 });
    expect(await rows('SELECT code FROM main.codes ORDER BY 1')).toEqual([{ code: '001' }, { code: '002' }]);
    project!.write('seeds/codes.csv', 'code,label\n003,third\n');
    await p.seed();
    expect(await rows('SELECT code, label FROM main.codes')).toEqual([{ code: '003', label: 'third' }]);
    project!.write('seeds/props.yml', 'version: 2\nseeds:\n  - name: codes\n    config:\n      column_types:\n        code: integer\n');
    project!.write('seeds/codes.csv', 'code,label\nabc,x\n');
    const bad = await p.seed();
    expect(bad.results[0]!.status).toBe('error');
    expect(await rows('SELECT code FROM main.codes')).toEqual([{ code: '003' }]);
  });
});

describe('sql_header', () => {
  it('runs a model’s sql_header before its statement, as dbt prepends it (a DuckDB macro the model uses)', async () => {
    const p = await setup({
      'models/marts/with_header.sql': "{{ config(materialized='table', sql_header='create or replace temp macro plus_one(x) as x + 1;') }}\nselect plus_one(41) as v",
    });
    const r = await p.transform();
    expect(r.success).toBe(true);
    expect(await rows('select v from marts.with_header')).toEqual([{ v: 42 }]);
  });
});

describe('dbt cross-database macros', () => {
  it('renders dbt.dateadd, datediff, date_trunc, safe_cast, concat, hash, split_part and type_* as SQL DuckDB runs', async () => {
    const p = await setup({
      'models/marts/xdb.sql': `{{ config(materialized='table') }}
select
  {{ dbt.dateadd('day', 7, "date '2024-01-30'") }} as plus_week,
  {{ dbt.datediff("date '2024-01-01'", "date '2024-03-01'", 'day') }} as days,
  {{ dbt.date_trunc(datepart='month', date="date '2024-02-17'") }} as month_start,
  {{ dbt.safe_cast("'12x'", dbt.type_int()) }} as bad_int,
  {{ dbt.concat(["'a'", "'-'", "'b'"]) }} as joined,
  {{ dbt.hash("'x'") }} as hashed,
  {{ dbt.split_part("'a,b,c'", "','", 2) }} as second,
  cast(1 as {{ dbt.type_string() }}) as s,
  {{ dbt.current_timestamp() }} is not null as has_now`,
    });
    const r = await p.transform();
    expect(r.success).toBe(true);
    const [row] = await rows<Record<string, unknown>>('select plus_week::varchar as plus_week, days, month_start::varchar as month_start, bad_int, joined, hashed, second, s, has_now from marts.xdb');
    expect(row).toEqual({
      plus_week: '2024-02-06 00:00:00', days: 60, month_start: '2024-02-01 00:00:00', bad_int: null, joined: 'a-b',
      hashed: '9dd4e461268c8034f5c8564e155c67a6', second: 'b', s: '1', has_now: true,
    });
  });
});
