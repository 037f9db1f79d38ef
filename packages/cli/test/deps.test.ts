import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject } from '@dango/core';
import { dango, tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

async function project(packagesYml: string): Promise<string> {
  const root = path.join(tmp.dir, 'proj');
  await initProject(root, { name: 'deps-test' });
  const pkg = path.join(root, 'vendor', 'money');
  mkdirSync(path.join(pkg, 'macros'), { recursive: true });
  writeFileSync(path.join(pkg, 'dbt_project.yml'), 'name: money\n');
  writeFileSync(path.join(pkg, 'macros', 'cents.sql'), '{% macro cents(c) %}({{ c }} / 100.0){% endmacro %}');
  writeFileSync(path.join(root, 'dbt', 'packages.yml'), packagesYml);
  return root;
}

describe('dango deps', () => {
  it('installs a local package into dbt/dbt_packages/ and says what it installed', async () => {
    const root = await project('packages:\n  - local: ../vendor/money\n');
    const r = await dango(['deps', '--project', root]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['Installed money (local:../vendor/money)', 'Installed 1 package(s)']);
    expect(existsSync(path.join(root, 'dbt', 'dbt_packages', 'money', 'macros', 'cents.sql'))).toBe(true);
  });

  it('fails with a clear message when the package hub cannot be reached', async () => {
    const root = await project('packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n');
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const r = await dango(['deps', '--project', root], { env: { DANGO_DBT_HUB_URL: `http://127.0.0.1:${port}` } });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot download the dbt package dbt-labs\/dbt_utils .*ECONNREFUSED.*install it from a local copy/);
  });
});
