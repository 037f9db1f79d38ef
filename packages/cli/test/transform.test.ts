import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvProject, dango, serverTestScope, startServer } from './helpers';

/** A tiny dbt project: one seed, a staging view on it, a mart table on that, and one unique test. */
async function dbtProject(dir: string): Promise<string> {
  const root = await csvProject(dir, {});
  const dbt = path.join(root, 'dbt');
  writeFileSync(path.join(dbt, 'seeds', 'categories.csv'), 'id,name\n1,books\n2,music\n3,games\n');
  writeFileSync(path.join(dbt, 'models', 'staging', 'stg_categories.sql'), "select id, upper(name) as name from {{ ref('categories') }}\n");
  writeFileSync(
    path.join(dbt, 'models', 'staging', 'schema.yml'),
    'version: 2\nmodels:\n  - name: stg_categories\n    columns:\n      - name: id\n        tests: [unique]\n',
  );
  writeFileSync(path.join(dbt, 'models', 'marts', 'category_count.sql'), "select count(*) as n from {{ ref('stg_categories') }}\n");
  return root;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1);

describe('transform commands', () => {
  const tmp = serverTestScope();

  it('builds, seeds, runs, tests, compiles and generates docs with dbt-like lines and summaries', async () => {
    const root = await dbtProject(tmp.dir);
    const build = await dango(['build', '--project', root]);
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    expect(build.stdout).toMatch(/^1 of 4 OK loaded seed \S*categories \.+ \[(OK|INSERT 3) in \d+\.\d\ds\]$/m);
    expect(build.stdout).toMatch(/^\d of 4 OK created view model staging\.stg_categories \.+ \[OK in \d+\.\d\ds\]$/m);
    expect(build.stdout).toMatch(/^\d of 4 OK created table model marts\.category_count \.+ \[OK in /m);
    expect(build.stdout).toMatch(/^\d of 4 PASS unique_stg_categories_id \.+ \[PASS in /m);
    expect(lastLine(build.stdout)).toBe('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');

    const seed = await dango(['seed', '--project', root]);
    expect(seed.exitCode).toBe(0);
    expect(lastLine(seed.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');

    const one = await dango(['run', '--select', 'stg_categories', '--project', root]);
    expect(one.exitCode).toBe(0);
    expect(one.stdout).toMatch(/^1 of 1 OK created view model staging\.stg_categories /m);
    expect(lastLine(one.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    const all = await dango(['run', '--project', root]);
    expect(lastLine(all.stdout)).toBe('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
    const excluded = await dango(['run', '--exclude', 'category_count', '--project', root]);
    expect(lastLine(excluded.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');

    const test = await dango(['test', '--project', root]);
    expect(test.exitCode).toBe(0);
    expect(lastLine(test.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');

    const compile = await dango(['compile', '--project', root]);
    expect(compile.exitCode).toBe(0);
    expect(compile.stdout).toMatch(/OK compiled model \S*category_count/);

    const docs = await dango(['docs', 'generate', '--project', root]);
    expect(docs.exitCode).toBe(0);
    expect(docs.stdout).toContain(`Wrote ${path.join('dbt', 'target', 'manifest.json')}`);
    expect(docs.stdout).toContain(`Wrote ${path.join('dbt', 'target', 'catalog.json')}`);
    expect(existsSync(path.join(root, 'dbt', 'target', 'manifest.json'))).toBe(true);
  });

  it('exits 1 on a failing model (descendants skipped) and on a failing test, with the reasons', async () => {
    const root = await dbtProject(tmp.dir);
    writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'broken.sql'), 'select * from no_such_table_anywhere\n');
    writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'after_broken.sql'), "select * from {{ ref('broken') }}\n");
    expect((await dango(['seed', '--project', root])).exitCode).toBe(0);
    const run = await dango(['run', '--project', root]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^\d of 4 ERROR creating table model marts\.broken \.+ \[ERROR in /m);
    expect(run.stdout).toMatch(/^\d of 4 SKIP relation marts\.after_broken \.+ \[SKIP\]$/m);
    expect(run.stdout).toMatch(/^ {2}Failure in model broken: .*no_such_table_anywhere/m);
    expect(lastLine(run.stdout)).toBe('Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4');

    writeFileSync(path.join(root, 'dbt', 'seeds', 'categories.csv'), 'id,name\n1,books\n1,music\n3,games\n');
    expect((await dango(['seed', '--project', root])).exitCode).toBe(0);
    expect((await dango(['run', '--select', 'stg_categories', '--project', root])).exitCode).toBe(0);
    const test = await dango(['test', '--project', root]);
    expect(test.exitCode).toBe(1);
    expect(test.stdout).toMatch(/^1 of 1 FAIL 1 unique_stg_categories_id \.+ \[FAIL 1 in /m);
    expect(lastLine(test.stdout)).toBe('Done. PASS=0 WARN=0 ERROR=1 SKIP=0 TOTAL=1');

    const badSelector = await dango(['run', '--select', 'no_such_model', '--project', root]);
    expect(badSelector.stdout + badSelector.stderr).toMatch(/no_such_model|Nothing to do/);
  });

  it('runs models by name through a running server and refuses selections its API cannot express', async () => {
    const root = await dbtProject(tmp.dir);
    expect((await dango(['seed', '--project', root])).exitCode).toBe(0);
    const server = await startServer(root);
    const run = await dango(['run', '--select', 'stg_categories+', '--project', root]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`Using the running server at ${server.url}`);
    expect(run.stdout).toMatch(/^\d of 2 OK created view model staging\.stg_categories /m);
    expect(run.stdout).toMatch(/^\d of 2 OK created table model marts\.category_count /m);
    expect(lastLine(run.stdout)).toBe('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');

    const tagged = await dango(['run', '--select', 'tag:nightly', '--project', root]);
    expect(tagged.exitCode).toBe(1);
    expect(tagged.stderr).toMatch(/^error: A Dango server is running at .*can run models by name only/);
    const unknown = await dango(['run', '--select', 'no_such_model', '--project', root]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*no_such_model/);
  });
});
