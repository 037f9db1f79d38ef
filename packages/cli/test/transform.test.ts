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

// Each test runs a dozen `dango` children; on a busy shared machine that takes minutes.
const SLOW = 240_000;

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
  }, SLOW);

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
    expect(badSelector.exitCode).toBe(2);
    expect(badSelector.stderr).toMatch(/^error: --select no_such_model matched no nodes/);
    expect(badSelector.stdout).not.toContain('Nothing to do');
    const excludedAll = await dango(['run', '--select', 'broken', '--exclude', 'broken', '--project', root]);
    expect(excludedAll.exitCode).toBe(2);
    expect(excludedAll.stderr).toBe('error: --select broken --exclude broken left no nodes to run');
  }, SLOW);

  it('runs every command through a running server: build, seed, run with any selection, test, compile, docs generate', async () => {
    const root = await dbtProject(tmp.dir);
    const server = await startServer(root);
    const using = `Using the running server at ${server.url}`;
    const build = await dango(['build', '--project', root]);
    expect(build.stderr).toBe('');
    expect(build.exitCode).toBe(0);
    expect(build.stdout.split('\n')[0]).toBe(using);
    expect(lastLine(build.stdout)).toBe('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');

    const run = await dango(['run', '--select', 'stg_categories+', '--project', root]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^\d of 2 OK created view model staging\.stg_categories /m);
    expect(run.stdout).toMatch(/^\d of 2 OK created table model marts\.category_count /m);
    expect(lastLine(run.stdout)).toBe('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
    const all = await dango(['run', '--full-refresh', '--exclude', 'category_count', '--project', root]);
    expect(lastLine(all.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    const seed = await dango(['seed', '--project', root]);
    expect(lastLine(seed.stdout)).toBe('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    const compile = await dango(['compile', '--project', root]);
    expect(compile.stdout).toMatch(/OK compiled model \S*category_count/);

    const unknown = await dango(['run', '--select', 'no_such_model', '--project', root]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --select no_such_model matched no nodes/);

    writeFileSync(path.join(root, 'dbt', 'seeds', 'categories.csv'), 'id,name\n1,books\n1,music\n');
    expect((await dango(['build', '--project', root])).exitCode).toBe(1);
    const test = await dango(['test', '--project', root]);
    expect(test.exitCode).toBe(1);
    expect(test.stdout).toMatch(/^1 of 1 FAIL 1 unique_stg_categories_id \.+ \[FAIL 1 in /m);

    const docs = await dango(['docs', 'generate', '--project', root]);
    expect(docs.stderr).toBe('');
    expect(docs.exitCode).toBe(0);
    expect(docs.stdout).toContain(`Wrote ${path.join('dbt', 'target', 'manifest.json')}`);
    // The built-in docs site the server serves picks the artifacts up.
    expect((await fetch(`${server.url}/manifest.json`)).status).toBe(200);
  }, SLOW);
});
