import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DangoError, findProjectRoot, initProject, loadProjectConfig, maskSecrets } from '../../src';

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
