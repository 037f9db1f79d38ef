import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DangoPlatform } from '@dango/core';
import { describe, expect, it } from 'vitest';
import { csvProject, dango, serverTestScope, startServer, stopServer } from './helpers';

async function varsProject(dir: string): Promise<string> {
  const root = await csvProject(dir, {});
  writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'greeting.sql'), "select '{{ var(\"who\", \"nobody\") }}' as who\n");
  return root;
}

async function greeting(root: string): Promise<string> {
  const platform = await DangoPlatform.open({ projectDir: root });
  try {
    const [row] = await platform.warehouse.query<{ who: string }>('select who from marts.greeting');
    return row!.who;
  } finally {
    await platform.close();
  }
}

describe('--vars on the transform commands', () => {
  const tmp = serverTestScope();

  it('reaches var() locally and through a running server; a bad value exits 2 with the reason', async () => {
    const root = await varsProject(tmp.dir);
    const run = await dango(['run', '--select', 'greeting', '--vars', '{who: cli}', '--project', root]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(await greeting(root)).toBe('cli');
    const compiled = await dango(['compile', '--select', 'greeting', '--vars', '{"who": "json"}', '--project', root]);
    expect(compiled.exitCode).toBe(0);
    expect(readFileSync(path.join(root, 'dbt', 'target', 'compiled', 'cli_test', 'models', 'marts', 'greeting.sql'), 'utf8')).toContain("'json' as who");
    const bad = await dango(['build', '--vars', '[1]', '--project', root]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--vars must be a mapping of names to values/);
    expect((await dango(['docs', 'generate', '--vars', 'who: docs', '--project', root])).exitCode).toBe(0);

    const server = await startServer(root);
    const remote = await dango(['build', '--select', 'greeting', '--vars', 'who: server', '--project', root]);
    expect(remote.exitCode).toBe(0);
    await stopServer(server);
    expect(await greeting(root)).toBe('server');
  }, 240_000);

  it('reaches var() in the models a sync runs', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': 'id,amount\n1,5\n' });
    writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'greeting.sql'), "select '{{ var(\"who\", \"nobody\") }}' as who from {{ ref('stg_sales') }}\n");
    const sync = await dango(['sync', 'sales', '--vars', '{who: sync}', '--project', root]);
    expect(sync.stderr).toBe('');
    expect(sync.exitCode).toBe(0);
    expect(await greeting(root)).toBe('sync');
  }, 240_000);
});
