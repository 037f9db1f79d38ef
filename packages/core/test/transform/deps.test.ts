import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoError } from '../../src/index';
import { installDbtPackages } from '../../src/transform/deps/install-packages';
import { closeTestProjects, createTestProject, FIXTURES } from './helpers';

const scratch: string[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  await closeTestProjects();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'dango-deps-'));
  scratch.push(d);
  return d;
}

/** A git repository whose tag v1.0 holds the fixture's `helpers` package under pkg/, which itself needs the hub package example/extras. */
function gitRepo(): string {
  const repo = tempDir();
  cpSync(path.join(FIXTURES, 'with-packages', 'dbt_packages', 'helpers'), path.join(repo, 'pkg'), { recursive: true });
  writeFileSync(path.join(repo, 'pkg', 'packages.yml'), 'packages:\n  - package: example/extras\n    version: [">=1.0.0", "<2.0.0"]\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'v1');
  git('tag', 'v1.0');
  // A later commit the revision must not pick up.
  writeFileSync(path.join(repo, 'pkg', 'macros', 'later.sql'), '{% macro later() %}1{% endmacro %}');
  git('add', '.');
  git('commit', '-qm', 'v2');
  return repo;
}

/** A package hub on port 0 serving example/extras 1.0.0, 1.5.0 and 2.0.0 as tarballs. */
async function hub(): Promise<string> {
  const files = tempDir();
  for (const v of ['1.0.0', '1.5.0', '2.0.0']) {
    const pkg = path.join(files, `extras-${v}`, 'extras-pkg');
    mkdirSync(path.join(pkg, 'macros'), { recursive: true });
    writeFileSync(path.join(pkg, 'dbt_project.yml'), `name: extras\nversion: '${v}'\n`);
    writeFileSync(path.join(pkg, 'macros', 'v.sql'), `{% macro extras_version() %}'${v}'{% endmacro %}`);
    execFileSync('tar', ['-czf', path.join(files, `extras-${v}.tar.gz`), '-C', path.join(files, `extras-${v}`), 'extras-pkg']);
  }
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/api/v1/example/extras.json') {
      const versions = Object.fromEntries(['1.0.0', '1.5.0', '2.0.0'].map((v) => [v, { downloads: { tarball: `${base}/extras-${v}.tar.gz` } }]));
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ name: 'extras', versions }));
    } else if (req.url?.endsWith('.tar.gz')) res.end(readFileSync(path.join(files, req.url.slice(1))));
    else res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('dango deps', () => {
  it('installs local, git (revision + subdirectory) and hub packages (version range, transitively), then the project builds', async () => {
    const project = await createTestProject('with-packages');
    rmSync(path.join(project.dbtDir, 'dbt_packages'), { recursive: true });
    const repo = gitRepo();
    project.write('packages.yml', `packages:\n  - local: local_pkgs/other_source\n  - git: "file://${repo}"\n    revision: v1.0\n    subdirectory: pkg\n`);
    project.write('models/uses_extras.sql', 'select {{ extras.extras_version() }} as v');
    const installed = await installDbtPackages(project.dbtDir, { hubUrl: await hub() });
    expect(installed.map((p) => [p.name, p.version])).toEqual([['other', null], ['helpers', 'v1.0'], ['extras', '1.5.0']]);
    const pkgs = path.join(project.dbtDir, 'dbt_packages');
    expect(existsSync(path.join(pkgs, 'helpers', 'macros', 'money.sql'))).toBe(true);
    expect(existsSync(path.join(pkgs, 'helpers', 'macros', 'later.sql'))).toBe(false);
    expect(existsSync(path.join(pkgs, 'helpers', '.git'))).toBe(false);
    expect(existsSync(path.join(pkgs, 'other', 'macros', 'shared.sql'))).toBe(true);
    const p = await project.open();
    const r = await p.build();
    expect(r.success).toBe(true);
    expect(await p.warehouse.query('SELECT v FROM main.uses_extras')).toEqual([{ v: '1.5.0' }]);
  });

  it('says clearly when the hub or a git host cannot be reached, and keeps the installed packages', async () => {
    const project = await createTestProject('with-packages');
    const port = await closedPort();
    project.write('packages.yml', 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n');
    const hubError = await installDbtPackages(project.dbtDir, { hubUrl: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(hubError).toBeInstanceOf(DangoError);
    expect((hubError as DangoError).code).toBe('UPSTREAM');
    expect((hubError as DangoError).message).toMatch(/Cannot download the dbt package dbt-labs\/dbt_utils from 127\.0\.0\.1:\d+ \(ECONNREFUSED\): without network access, install it from a local copy/);
    project.write('packages.yml', `packages:\n  - git: "http://127.0.0.1:${port}/nope.git"\n    revision: 1.0.0\n`);
    await expect(installDbtPackages(project.dbtDir)).rejects.toThrow(new RegExp(`Cannot clone http://127\\.0\\.0\\.1:${port}/nope\\.git: .*(connect|Connection refused)`, 'i'));
    expect(existsSync(path.join(project.dbtDir, 'dbt_packages', 'helpers', 'macros', 'money.sql'))).toBe(true);
    expect(existsSync(path.join(project.dbtDir, 'dbt_packages', 'other'))).toBe(true);
  });

  it('refuses a version range no hub version satisfies', async () => {
    const project = await createTestProject('with-packages');
    project.write('packages.yml', 'packages:\n  - package: example/extras\n    version: [">=3.0.0"]\n');
    await expect(installDbtPackages(project.dbtDir, { hubUrl: await hub() })).rejects.toThrow(/No version of example\/extras matches \[">=3\.0\.0"\] \(available: 1\.0\.0, 1\.5\.0, 2\.0\.0\)/);
  });
});
