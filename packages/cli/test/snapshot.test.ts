import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvProject, dango, serverTestScope, startServer } from './helpers';

/** A seed, a snapshot of it, and a model with a unit test that fails. */
async function snapshotProject(dir: string): Promise<string> {
  const root = await csvProject(dir, {});
  const dbt = path.join(root, 'dbt');
  mkdirSync(path.join(dbt, 'snapshots'), { recursive: true });
  writeFileSync(path.join(dbt, 'seeds', 'people.csv'), 'id,name\n1,ann\n2,bob\n');
  writeFileSync(
    path.join(dbt, 'snapshots', 'people_history.sql'),
    "{% snapshot people_history %}\n{{ config(target_schema='history', unique_key='id', strategy='check', check_cols=['name']) }}\nselect * from {{ ref('people') }}\n{% endsnapshot %}\n",
  );
  writeFileSync(path.join(dbt, 'models', 'marts', 'shout.sql'), "select id, upper(name) as name from {{ ref('people') }}\n");
  writeFileSync(
    path.join(dbt, 'models', 'marts', 'unit.yml'),
    "unit_tests:\n  - name: shouts\n    model: shout\n    given:\n      - input: ref('people')\n        rows: [{id: 1, name: ann}]\n    expect:\n      rows: [{id: 1, name: Ann}]\n",
  );
  return root;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1);
const SLOW = 240_000;

describe('dango snapshot and unit tests', () => {
  const tmp = serverTestScope();

  it('snapshots locally and through a running server; dango test prints a failing unit test with its diff', async () => {
    const root = await snapshotProject(tmp.dir);
    expect((await dango(['seed', '--project', root])).exitCode).toBe(0);
    const first = await dango(['snapshot', '--project', root]);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^1 of 1 OK snapshotted people_history \.+ \[SELECT 2 in \d+\.\d\ds\]$/m);
    expect(lastLine(first.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');

    const test = await dango(['test', '--select', 'test_type:unit', '--project', root]);
    expect(test.exitCode).toBe(1);
    expect(test.stdout).toMatch(/^1 of 1 FAIL 2 shouts \.+ \[FAIL 2 in /m);
    expect(test.stdout).toContain([
      '  Failure in unit_test shouts: Unit test shouts of shout failed: actual differs from expected:',
      '      | id | name',
      '    --+----+-----',
      '    - | 1  | Ann',
      '    + | 1  | ANN',
    ].join('\n'));

    const server = await startServer(root);
    writeFileSync(path.join(root, 'dbt', 'seeds', 'people.csv'), 'id,name\n1,ann\n2,bobby\n3,cy\n');
    expect((await dango(['seed', '--project', root])).exitCode).toBe(0);
    const second = await dango(['snapshot', '--select', 'people_history', '--project', root]);
    expect(second.exitCode).toBe(0);
    expect(second.stdout.split('\n')[0]).toBe(`Using the running server at ${server.url}`);
    expect(second.stdout).toMatch(/^1 of 1 OK snapshotted people_history \.+ \[MERGE 2 in /m);
    const none = await dango(['snapshot', '--select', 'shout', '--project', root]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/^error: --select shout matched no nodes/);
  }, SLOW);
});
