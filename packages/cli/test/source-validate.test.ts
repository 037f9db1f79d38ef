import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, loadProjectConfig } from '@dango/core';
import { runCli, type CliIo } from '../src/index';
import { tempDir } from './helpers';

/** Runs the CLI in this process with captured output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = {
    stdout: '',
    stderr: '',
    live: false,
    env: {} as NodeJS.ProcessEnv,
    write: (t: string) => void (io.stdout += t),
    writeErr: (t: string) => void (io.stderr += t),
    out: (l: string) => void (io.stdout += `${l}\n`),
    err: (l: string) => void (io.stderr += `${l}\n`),
  } satisfies CliIo & { stdout: string; stderr: string };
  const code = await runCli(['node', 'dango', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('dango source and dango validate', () => {
  let tmp: ReturnType<typeof tempDir>;
  let root: string;
  beforeEach(async () => {
    tmp = tempDir();
    root = path.join(tmp.dir, 'proj');
    await initProject(root, { name: 'src-test' });
  });
  afterEach(() => tmp.cleanup());

  it('source add writes a commented block, keeps the file comments, validates, and refuses duplicates and unknown types', async () => {
    const file = path.join(root, '.dango', 'sources.yml');
    const before = readFileSync(file, 'utf8');
    expect((await cli(['source', 'list', '--project', root])).stdout).toContain('No sources configured');

    const add = await cli(['source', 'add', 'csv', '--name', 'sales', '--description', 'Monthly orders', '--project', root]);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    // The scaffold's own comment lines are still there.
    for (const line of before.split('\n').filter((l) => l.startsWith('#'))) expect(text).toContain(line);
    expect(text).toContain('# sales: CSV files dropped into data/uploads/sales/');
    expect(text).toMatch(/directory: data\/uploads\/sales # folder the files are read from/);
    expect(text).toMatch(/# table: <name>/);
    const config = await loadProjectConfig(root);
    expect(config.sources).toEqual([expect.objectContaining({ name: 'sales', type: 'csv', enabled: true, description: 'Monthly orders', csv: expect.objectContaining({ directory: 'data/uploads/sales', file_pattern: '*.csv' }) })]);

    expect((await cli(['source', 'add', 'csv', '--name', 'crm', '--project', root])).code).toBe(0);
    const list = await cli(['source', 'list', '--project', root]);
    expect(list.stdout.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^NAME\s+TYPE\s+ENABLED\s+DESCRIPTION$/), expect.stringMatching(/^sales\s+csv\s+yes\s+Monthly orders$/), expect.stringMatching(/^crm\s+csv\s+yes$/)]);

    const twice = await cli(['source', 'add', 'csv', '--name', 'sales', '--project', root]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe("error: A source named 'sales' already exists in .dango/sources.yml\n");
    const unknown = await cli(['source', 'add', 'ftp', '--name', 'x', '--project', root]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: Unknown source type 'ftp' (dango source add knows: csv, local_files, postgres, mysql, rest_api, stripe)\n");
    const badName = await cli(['source', 'add', 'csv', '--name', 'Bad-Name', '--project', root]);
    expect(badName.code).toBe(2);
    expect((await loadProjectConfig(root)).sources.map((s) => s.name)).toEqual(['sales', 'crm']);
  });

  it('validate reports every config problem at once and exits 1; a valid project passes', async () => {
    const ok = await cli(['validate', '--project', root]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('OK: .dango/project.yml, .dango/sources.yml and the dbt project are valid\n');

    const projectFile = path.join(root, '.dango', 'project.yml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('port: 8800', 'port: not-a-port').replace('auto_sync: true', 'auto_sync: maybe'));
    writeFileSync(path.join(root, '.dango', 'sources.yml'), 'sources:\n  - name: Bad\n    type: csv\n');
    const bad = await cli(['validate', '--project', root]);
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ERROR \.dango\/project\.yml: platform\.port: /),
      expect.stringMatching(/^ERROR \.dango\/project\.yml: platform\.auto_sync: /),
      expect.stringMatching(/^ERROR \.dango\/sources\.yml: sources\[0\]\.name: /),
      'ERROR dbt project: not checked until the config files are valid',
    ]));
    expect(lines.at(-1)).toBe('4 problems found');
  });

  it('validate compiles the dbt project and names every model that does not compile', async () => {
    const marts = path.join(root, 'dbt', 'models', 'marts');
    writeFileSync(path.join(marts, 'a_bad.sql'), "select * from {{ ref('no_such_model') }}\n");
    writeFileSync(path.join(marts, 'b_fine.sql'), 'select 1 as x\n');
    const r = await cli(['validate', '--project', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ERROR dbt project: .*no_such_model/m);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ problems? found$/);
  });

  it('validate names every broken dbt file at once, past the first parse error', async () => {
    const marts = path.join(root, 'dbt', 'models', 'marts');
    writeFileSync(path.join(marts, 'a_syntax.sql'), 'select {{ 1 + }} as x\n');
    writeFileSync(path.join(marts, 'b_ref.sql'), "select * from {{ ref('no_such_model') }}\n");
    writeFileSync(path.join(marts, 'c_source.sql'), "select * from {{ source('nope', 'orders') }}\n");
    writeFileSync(path.join(marts, 'd_fine.sql'), 'select 1 as x\n');
    writeFileSync(path.join(marts, 'e_props.yml'), 'version: 2\nmodels: [unclosed\n');
    const r = await cli(['validate', '--project', root]);
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('ERROR '));
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ERROR dbt project: .*a_syntax\.sql/),
      expect.stringMatching(/^ERROR dbt project: .*e_props\.yml/),
      expect.stringMatching(/^ERROR dbt project: .*b_ref\.sql.*no_such_model/),
      expect.stringMatching(/^ERROR dbt project: .*c_source\.sql.*source\('nope', 'orders'\)/),
    ]));
    expect(errors).toHaveLength(4);
    expect(r.stdout).not.toContain('d_fine');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('4 problems found');
  });

  it('validate reports config and unknown-key problems with their close match', async () => {
    writeFileSync(path.join(root, '.dango', 'sources.yml'), 'sources:\n  - name: sales\n    type: csv\n    csv:\n      dir: data/uploads/sales\n      file_patern: "*.csv"\n');
    const r = await cli(['validate', '--project', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ERROR .dango/sources.yml: sources[0].csv.dir: unknown key (did you mean "directory"?)');
    expect(r.stdout).toContain('ERROR .dango/sources.yml: sources[0].csv.file_patern: unknown key (did you mean "file_pattern"?)');
  });

  it('source add writes a commented block for local_files, postgres and mysql that loads as written', async () => {
    const file = path.join(root, '.dango', 'sources.yml');
    for (const [type, name] of [['local_files', 'events'], ['postgres', 'app_db'], ['mysql', 'shop']] as const) {
      const r = await cli(['source', 'add', type, '--name', name, '--project', root]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# events: JSON, NDJSON, Parquet and CSV files');
    expect(text).toMatch(/format: auto # auto \(by extension\), csv, json, ndjson or parquet/);
    expect(text).toMatch(/# max_nesting: 2 /);
    expect(text).toMatch(/connection_string_env: APP_DB_DATABASE_URL # environment variable .* postgresql:\/\/user:password@host:5432\/database/);
    expect(text).toMatch(/connection_string_env: SHOP_DATABASE_URL # .*mysql:\/\/user:password@host:3306\/database/);
    expect(text).toMatch(/# {3}orders: \{cursor: updated_at, primary_key: id\}/);
    const config = await loadProjectConfig(root);
    expect(config.sources.map((s) => [s.name, s.type])).toEqual([['events', 'local_files'], ['app_db', 'postgres'], ['shop', 'mysql']]);
    expect(config.sources[0]).toMatchObject({ local_files: { directory: 'data/uploads/events', format: 'auto', max_nesting: 2 } });
    // The file source's folder exists, so its first sync does not fail with "directory not found".
    expect(existsSync(path.join(root, 'data', 'uploads', 'events'))).toBe(true);
  });

  it('source add writes rest_api and stripe blocks that load as written, with the defaults their comments promise', async () => {
    for (const [type, name] of [['rest_api', 'shop'], ['stripe', 'payments']] as const) {
      const r = await cli(['source', 'add', type, '--name', name, '--project', root]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const text = readFileSync(path.join(root, '.dango', 'sources.yml'), 'utf8');
    expect(text).toContain('# shop: a JSON HTTP API');
    expect(text).toMatch(/# {3}paginator: \{ type: json_link, next_url_path: paging.next \}/);
    expect(text).toMatch(/stripe_secret_key_env: STRIPE_API_KEY # the variable in .dango\/.env/);
    const config = await loadProjectConfig(root);
    expect(config.sources.map((s) => [s.name, s.type])).toEqual([['shop', 'rest_api'], ['payments', 'stripe']]);
    const shop = config.sources[0] as unknown as { rest_api: { client: { auth: unknown }; resources: Array<{ endpoint: { incremental: { start_param: string } } }> } };
    expect(shop.rest_api.client.auth).toEqual({ type: 'bearer', token_env: 'SHOP_TOKEN' });
    expect(shop.rest_api.resources[0]!.endpoint.incremental.start_param).toBe('updated_since');
    expect(config.sources[1]).toMatchObject({ stripe: { stripe_secret_key_env: 'STRIPE_API_KEY', endpoints: ['charges', 'customers'] } });
  });

  it('source add puts sources.yml back when the project does not load with the new block', async () => {
    const file = path.join(root, '.dango', 'sources.yml');
    const broken = 'sources:\n  - name: old\n    type: csv\n    csv:\n      dir: data/uploads/old\n';
    writeFileSync(file, broken);
    const r = await cli(['source', 'add', 'csv', '--name', 'sales', '--project', root]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Did not add source 'sales': Invalid .dango/sources.yml: sources[0].csv.dir: unknown key (did you mean \"directory\"?)");
    expect(r.stderr).toContain('.dango/sources.yml is unchanged');
    expect(readFileSync(file, 'utf8')).toBe(broken);
    expect(existsSync(path.join(root, 'data', 'uploads', 'sales'))).toBe(false);

    // Without a sources.yml before, a refused add leaves none behind.
    rmSync(file);
    const projectFile = path.join(root, '.dango', 'project.yml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('port: 8800', 'prot: 8800'));
    const again = await cli(['source', 'add', 'csv', '--name', 'sales', '--project', root]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('project.yml: platform.prot: unknown key (did you mean "port"?)');
    expect(existsSync(file)).toBe(false);
  });
});
