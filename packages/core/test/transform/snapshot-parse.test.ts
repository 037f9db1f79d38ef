import { afterEach, describe, expect, it } from 'vitest';
import { parseFiles, thrown } from './parse-helpers';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

describe('snapshot and unit test parsing', () => {
  it('reads yml snapshots with a ref relation, layering dbt_project.yml, yml and target configs', () => {
    const g = parseFiles({
      'dbt_project.yml': 'name: proj\nsnapshots:\n  proj:\n    +strategy: timestamp\n    +updated_at: changed\n    +target_database: archive\n',
      'models/people.sql': 'select 1 as id',
      'snapshots/s.yml': "snapshots:\n  - name: people_snap\n    relation: ref('people')\n    config:\n      unique_key: id\n      target_schema: hist\n",
    });
    const s = g.nodes.get('snapshot.proj.people_snap')!;
    expect(s).toMatchObject({
      resource_type: 'snapshot', raw_code: "select * from {{ ref('people') }}", depends_on: ['model.proj.people'], schema: 'hist', database: 'archive',
      relation: '"archive"."hist"."people_snap"', original_file_path: 'snapshots/s.yml', fqn: ['proj', 'people_snap'],
      config: { strategy: 'timestamp', updated_at: 'changed', unique_key: 'id', materialized: 'snapshot' },
    });
    expect(g.nodes.get('model.proj.people')).toMatchObject({ relation: '"main"."people"' });
    expect(thrown(() => parseFiles({ 'snapshots/a.sql': '{% snapshot x %}select 1{% endsnapshot %}', 'models/x.sql': 'select 1' })).message).toMatch(/Two resources are named 'x'/);
  });

  it('refuses a unit test defined twice and a given input that is neither ref, source nor this', () => {
    const base = { 'models/m.sql': 'select 1 as id' };
    const ut = (name: string, input: string) => `  - name: ${name}\n    model: m\n    given:\n      - input: ${input}\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1}]\n`;
    expect(thrown(() => parseFiles({ ...base, 'models/a.yml': `unit_tests:\n${ut('t', "ref('m')")}${ut('t', "ref('m')")}` })).message)
      .toBe("Compilation error in models/a.yml: unit test 't' of model 'm' is defined twice (also in models/a.yml)");
    expect(thrown(() => parseFiles({ ...base, 'models/a.yml': `unit_tests:\n${ut('t', 'm')}` })).message)
      .toBe("Compilation error in models/a.yml: unit test 't': given input 'm' must be ref('...'), source('...', '...') or this");
    expect(thrown(() => parseFiles({ ...base, 'models/a.yml': "unit_tests:\n  - name: t\n    model: m\n    given: []\n    expect:\n      format: json\n      rows: []\n" })).message)
      .toBe("Compilation error in models/a.yml: unit test 't' expect: format must be dict, csv or sql, got 'json'");
  });

  it("runs a package's snapshots under the package's name", async () => {
    const project = await createTestProject('with-packages', {
      'dbt_packages/helpers/snapshots/h.sql': "{% snapshot helper_snap %}{{ config(target_schema='helpers_hist', unique_key='id', strategy='check', check_cols='all') }}select 1 as id, 'x' as v{% endsnapshot %}",
    });
    const p = await project.open();
    const r = await p.snapshot();
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['snapshot.helpers.helper_snap', 'success']]);
    expect(await p.warehouse.query('SELECT id, v FROM helpers_hist.helper_snap')).toEqual([{ id: 1, v: 'x' }]);
  });
});
