import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkProjectConfig, DangoError, findProjectRoot, initProject, loadProjectConfig, maskSecrets, suggestKey } from '../../src';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dango-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeSources = (text: string) => writeFileSync(path.join(dir, '.dango', 'sources.yml'), text);

async function configError(): Promise<DangoError> {
  const err = await loadProjectConfig(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DangoError);
  return err as DangoError;
}

describe('project config', () => {
  it('scaffolds a project whose config loads with the documented defaults', async () => {
    await initProject(dir, { name: 'my-analytics', organization: 'Acme Corp' });
    const cfg = await loadProjectConfig(dir);
    expect(cfg.project).toMatchObject({ name: 'my-analytics', organization: 'Acme Corp' });
    expect(cfg.platform).toMatchObject({
      port: 8800,
      metabase_url: false,
      debounce_seconds: 600,
      watch_patterns: ['*.csv'],
      watch_directories: ['data/uploads'],
      duckdb_path: 'data/warehouse.duckdb',
      transform_engine: 'embedded',
    });
    expect(cfg.sources).toEqual([]);
    // Metabase is scaffolded off, with a comment that says how to turn it on.
    expect(readFileSync(path.join(dir, '.dango', 'project.yml'), 'utf8')).toMatch(/# Metabase is off\. To use it, set metabase_url to its address \(e\.g\. http:\/\/localhost:3000\)/);
    expect(readFileSync(path.join(dir, 'dbt', 'dbt_project.yml'), 'utf8')).toContain('name: my_analytics');
    expect(findProjectRoot(path.join(dir, 'data', 'uploads'))).toBe(path.resolve(dir));
  });

  it('refuses to scaffold over an existing project', async () => {
    await initProject(dir);
    await expect(initProject(dir)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('fills CSV source defaults', async () => {
    await initProject(dir);
    writeSources('sources:\n  - name: sales_data\n    type: csv\n');
    const [src] = (await loadProjectConfig(dir)).sources;
    expect(src).toMatchObject({ name: 'sales_data', enabled: true, csv: { directory: 'data/uploads', file_pattern: '*.csv' } });
  });

  it('names the file, the path and the problem for a bad source name', async () => {
    await initProject(dir);
    writeSources('sources:\n  - name: Sales-Data\n    type: csv\n');
    const err = await configError();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('.dango/sources.yml');
    expect(err.message).toContain('sources[0].name');
    expect(err.message).toMatch(/\^\[a-z\]/);
  });

  it('rejects duplicate source names', async () => {
    await initProject(dir);
    writeSources('sources:\n  - {name: a, type: csv}\n  - {name: a, type: csv}\n');
    expect((await configError()).message).toMatch(/sources\[1\]\.name: duplicate source name 'a'/);
  });

  it('reports YAML syntax errors with a line number and no stack', async () => {
    await initProject(dir);
    writeSources('sources:\n  - name: a\n   type: [csv\n');
    const err = await configError();
    expect(err.message).toMatch(/^Invalid \.dango\/sources\.yml \(line \d+/);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('reports a wrong type in project.yml with its path', async () => {
    await initProject(dir);
    writeFileSync(path.join(dir, '.dango', 'project.yml'), 'platform:\n  port: "eighty"\n');
    const err = await configError();
    expect(err.message).toContain('.dango/project.yml');
    expect(err.message).toContain('platform.port');
  });

  it('rejects a bad csv block inside a source', async () => {
    await initProject(dir);
    writeSources('sources:\n  - name: a\n    type: csv\n    csv:\n      table: Bad Name\n');
    expect((await configError()).message).toContain('sources[0].csv.table');
  });

  it('limits source names to a length every file system and schema name takes', async () => {
    await initProject(dir);
    writeSources(`sources:\n  - name: ${'a'.repeat(301)}\n    type: csv\n`);
    const err = await configError();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/^Invalid \.dango\/sources\.yml: sources\[0\]\.name: at most 59 characters/);
    writeSources(`sources:\n  - name: ${'a'.repeat(59)}\n    type: csv\n`);
    expect((await loadProjectConfig(dir)).sources[0]!.name).toHaveLength(59);
  });

  it('names the file and key of a path that cannot exist, instead of an errno', async () => {
    await initProject(dir);
    const project = path.join(dir, '.dango', 'project.yml');
    const original = readFileSync(project, 'utf8');
    writeFileSync(project, original.replace(/duckdb_path: .*/, 'duckdb_path: /dev/null/x'));
    let err = await configError();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe("Invalid .dango/project.yml: platform.duckdb_path: '/dev/null/x' cannot be created: /dev/null is not a folder");

    writeFileSync(project, original);
    writeSources(`sources:\n  - name: a\n    type: csv\n    csv:\n      directory: data/${'d'.repeat(300)}\n`);
    err = await configError();
    expect(err.message).toMatch(/^Invalid \.dango\/sources\.yml: sources\[0\]\.csv\.directory: the name 'd{20}.*' is longer than 255 bytes/);

    writeFileSync(path.join(dir, 'data-file'), 'x');
    writeSources('sources:\n  - name: a\n    type: csv\n    csv:\n      directory: data-file/sales\n');
    expect((await configError()).message).toMatch(/sources\[0\]\.csv\.directory: 'data-file\/sales' cannot be created: .*data-file is not a folder/);
  });

  it('says clearly when there is no project', async () => {
    mkdirSync(path.join(dir, 'empty'));
    const err = await loadProjectConfig(path.join(dir, 'empty')).catch((e: DangoError) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect((err as Error).message).toMatch(/dango init/);
  });

  it('masks literal secrets but keeps env var references', () => {
    const masked = maskSecrets({ name: 's', stripe: { stripe_secret_key_env: 'STRIPE_API_KEY', api_key: 'sk_live_123', nested: [{ password: 'p' }] } });
    expect(masked).toEqual({ name: 's', stripe: { stripe_secret_key_env: 'STRIPE_API_KEY', api_key: '********', nested: [{ password: '********' }] } });
  });
});

describe('unknown keys in the config files', () => {
  it.each([
    ['sources.yml, a csv block', 'sources:\n  - name: a\n    type: csv\n  - name: b\n    type: csv\n    csv:\n      dir: data/b\n', 'sources.yml', 'sources[1].csv.dir: unknown key (did you mean "directory"?)'],
    ['sources.yml, a swapped letter', 'sources:\n  - name: a\n    type: csv\n    csv:\n      file_patern: "*.csv"\n', 'sources.yml', 'sources[0].csv.file_patern: unknown key (did you mean "file_pattern"?)'],
    ['sources.yml, a source entry', 'sources:\n  - name: a\n    type: csv\n    enabeld: false\n', 'sources.yml', 'sources[0].enabeld: unknown key (did you mean "enabled"?)'],
    ['sources.yml, a misspelt type block', 'sources:\n  - name: a\n    type: local_files\n    local_file:\n      directory: x\n', 'sources.yml', 'sources[0].local_file: unknown key (did you mean "local_files"?)'],
    ['sources.yml, the top level', 'source:\n  - name: a\n    type: csv\n', 'sources.yml', 'source: unknown key (did you mean "sources"?)'],
    ['sources.yml, a postgres block', 'sources:\n  - name: a\n    type: postgres\n    postgres:\n      connection_string_env: X\n      tabels: [a]\n', 'sources.yml', 'sources[0].postgres.tabels: unknown key (did you mean "tables"?)'],
    ['project.yml, the platform block', 'platform:\n  auto_synk: false\n', 'project.yml', 'platform.auto_synk: unknown key (did you mean "auto_sync"?)'],
    ['project.yml, the project block', 'project:\n  nmae: x\n', 'project.yml', 'project.nmae: unknown key (did you mean "name"?)'],
    ['project.yml, the top level', 'platfrom:\n  port: 8800\n', 'project.yml', 'platfrom: unknown key (did you mean "platform"?)'],
    ['project.yml, platform.duckdb', 'platform:\n  duckdb:\n    memory: 1GB\n', 'project.yml', 'platform.duckdb.memory: unknown key (did you mean "memory_limit"?)'],
  ])('%s: CONFIG_INVALID naming the key, its path and the close match', async (_what, text, file, expected) => {
    await initProject(dir);
    writeFileSync(path.join(dir, '.dango', file), text);
    const err = await configError();
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(new RegExp(`^Invalid \\.dango/${file.replace('.', '\\.')}: `));
    expect(err.message).toContain(expected);
  });

  it('lists the known keys when nothing is close, and every unknown key of a block', async () => {
    await initProject(dir);
    writeSources('sources:\n  - name: a\n    type: csv\n    csv:\n      zzz: 1\n      dierctory: x\n');
    const err = await configError();
    expect(err.message).toContain('sources[0].csv.zzz: unknown key (known keys: directory, file_pattern, table,');
    expect(err.message).toContain('sources[0].csv.dierctory: unknown key (did you mean "directory"?)');
  });

  it('reports every problem of both files at once through checkProjectConfig', async () => {
    await initProject(dir);
    writeFileSync(path.join(dir, '.dango', 'project.yml'), 'platform:\n  prot: 1\n  port: "x"\n');
    writeSources('sources:\n  - name: Bad\n    type: csv\n    csv:\n      dir: x\n  - name: ok\n    type: csv\n    descripton: y\n');
    const { config, problems } = await checkProjectConfig(dir);
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      { file: '.dango/project.yml', issues: expect.arrayContaining([{ path: 'platform.prot', message: 'unknown key (did you mean "port"?)' }, expect.objectContaining({ path: 'platform.port' })]) },
      {
        file: '.dango/sources.yml',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'sources[0].name' }),
          { path: 'sources[1].descripton', message: 'unknown key (did you mean "description"?)' },
          // The block of a source whose name is wrong is still checked.
          { path: 'sources[0].csv.dir', message: 'unknown key (did you mean "directory"?)' },
        ]),
      },
    ]);
  });

  it('keeps the keys every schema knows, and the Python Dango project context', async () => {
    await initProject(dir);
    writeFileSync(path.join(dir, '.dango', 'project.yml'), 'project:\n  name: x\n  purpose: reporting\n  stakeholders: [ops]\nplatform:\n  port: 8801\n');
    writeSources('sources:\n  - name: a\n    type: csv\n    enabled: false\n    description: d\n    csv:\n      directory: data/a\n');
    const cfg = await loadProjectConfig(dir);
    expect(cfg.platform.port).toBe(8801);
    expect(cfg.sources[0]).toMatchObject({ name: 'a', enabled: false, csv: { directory: 'data/a' } });
  });
});

describe('suggestKey', () => {
  it('suggests within two edits or by prefix, and nothing for a short or distant key', () => {
    expect(suggestKey('dir', ['directory', 'file_pattern'])).toBe('directory');
    expect(suggestKey('tabel', ['table', 'tables'])).toBe('table');
    expect(suggestKey('Directory', ['directory'])).toBe('directory');
    expect(suggestKey('x', ['y', 'z'])).toBeNull();
    expect(suggestKey('colour', ['directory', 'table'])).toBeNull();
  });
});
