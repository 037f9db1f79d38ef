import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dango, tempDir } from './helpers';

describe('dango init and command-line errors', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('scaffolds a project with the given name and organization', async () => {
    const r = await dango(['init', 'analytics', '--name', 'My Analytics', '--organization', 'Acme Corp'], { cwd: tmp.dir });
    expect(r.exitCode).toBe(0);
    const root = path.join(tmp.dir, 'analytics');
    expect(r.stdout).toContain(`Created Dango project 'My Analytics' in ${root}`);
    const yml = readFileSync(path.join(root, '.dango', 'project.yml'), 'utf8');
    expect(yml).toContain('name: My Analytics');
    expect(yml).toContain('organization: Acme Corp');
    for (const p of ['.dango/sources.yml', 'data/uploads', 'dbt/dbt_project.yml']) expect(existsSync(path.join(root, p))).toBe(true);
  });

  it('defaults to the current folder and refuses to init twice', async () => {
    const first = await dango(['init'], { cwd: tmp.dir });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Created Dango project '${path.basename(tmp.dir)}'`);
    const before = readFileSync(path.join(tmp.dir, '.dango', 'project.yml'), 'utf8');
    const second = await dango(['init', '--name', 'other'], { cwd: tmp.dir });
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toBe(`error: A Dango project already exists at ${tmp.dir}`);
    expect(readFileSync(path.join(tmp.dir, '.dango', 'project.yml'), 'utf8')).toBe(before);
  });

  it('finds the project upwards from a subfolder, and says so when there is none', async () => {
    const none = await dango(['status'], { cwd: tmp.dir });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toBe(`error: No Dango project in ${tmp.dir} or any folder above it (run \`dango init\` or pass --project DIR)`);
    expect(none.stderr).not.toMatch(/\bat .*\.ts:\d+/);

    const missing = await dango(['logs', '--project', 'nowhere'], { cwd: tmp.dir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`error: No Dango project at ${path.join(tmp.dir, 'nowhere')}`);

    expect((await dango(['init'], { cwd: tmp.dir })).exitCode).toBe(0);
    const sub = path.join(tmp.dir, 'data', 'deep');
    mkdirSync(sub, { recursive: true });
    const logs = await dango(['logs'], { cwd: sub });
    expect(logs.exitCode).toBe(0);
    expect(logs.stderr).toBe('');
  });

  it('rejects unknown commands, unknown options and bad option values with exit 2 (usage)', async () => {
    const cmd = await dango(['bogus'], { cwd: tmp.dir });
    expect(cmd.exitCode).toBe(2);
    expect(cmd.stderr).toContain("error: unknown command 'bogus'");
    const opt = await dango(['status', '--bogus'], { cwd: tmp.dir });
    expect(opt.exitCode).toBe(2);
    expect(opt.stderr).toContain("error: unknown option '--bogus'");
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      const r = await dango(['logs', '--limit', bad], { cwd: tmp.dir });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`option '--limit <n>' argument '${bad}' is invalid`);
    }
    const port = await dango(['start', '--port', '70000'], { cwd: tmp.dir });
    expect(port.exitCode).toBe(2);
    expect(port.stderr).toContain('expected a whole number from 0 to 65535');
  });

  it('prints help and the version with exit 0', async () => {
    const help = await dango(['--help']);
    expect(help.exitCode).toBe(0);
    for (const c of ['init', 'sync', 'status', 'logs', 'start', 'seed', 'run', 'test', 'build', 'compile', 'docs']) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toMatch(/^ {2}3 {2}dango sync: every source loaded, but models run after the sync failed$/m);
    const version = await dango(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports a broken project file as a clear error without a stack trace', async () => {
    expect((await dango(['init'], { cwd: tmp.dir })).exitCode).toBe(0);
    writeFileSync(path.join(tmp.dir, '.dango', 'project.yml'), 'platform:\n  port: not-a-number\n');
    const r = await dango(['start'], { cwd: tmp.dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid \.dango\/project\.yml: platform\.port: /);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
});
