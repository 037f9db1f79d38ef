import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse, stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject } from '../../src/config';
import { DangoPlatform } from '../../src/platform';
import { Warehouse } from '../../src/warehouse';

let dir: string;
let child: ChildProcess | undefined;
let platform: DangoPlatform | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-open-'));
});
afterEach(async () => {
  await platform?.close();
  platform = undefined;
  child?.kill('SIGKILL');
  child = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A real DuckDB file with a table spread over several blocks, checkpointed and closed. */
async function writeDatabase(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(200000); CREATE SCHEMA raw_sales; CREATE TABLE raw_sales.sales (id INTEGER)");
  await conn.run('CHECKPOINT');
  conn.closeSync();
  instance.closeSync();
}

describe('opening a warehouse file', () => {
  it('says a file with a bad block checksum is damaged, names it and points to backups (not "in use")', async () => {
    const good = path.join(dir, 'good.duckdb');
    await writeDatabase(good);
    const damaged = path.join(dir, 'warehouse.duckdb');
    fs.copyFileSync(good, damaged);
    // A checkpoint writes the catalog last, into the file's last 256 KiB block (its first metadata pages):
    // garbage there fails that block's checksum as the warehouse opens.
    const fd = fs.openSync(damaged, 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, fs.statSync(damaged).size - 256 * 1024 + 4096);
    fs.closeSync(fd);

    const err = await Warehouse.open(damaged).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INTERNAL' });
    const message = (err as Error).message;
    expect(message).toContain(`The warehouse file ${damaged} is damaged`);
    expect(message).toMatch(/checksum/);
    expect(message).toMatch(/backup/);
    expect(message).not.toMatch(/in use/);
    // The damaged file was not left open: the good copy (and a retry on the damaged one) still behave.
    const wh = await Warehouse.open(good);
    expect(await wh.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 200000 }]);
    await wh.close();
    await expect(Warehouse.open(damaged)).rejects.toThrow(/is damaged/);
  });

  it('says a file that is not a DuckDB database is damaged', async () => {
    const file = path.join(dir, 'warehouse.duckdb');
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 0x42));
    await expect(Warehouse.open(file)).rejects.toThrow(`The warehouse file ${file} is damaged`);
  });

  it('says "in use by another process" only for a real lock held by another process', async () => {
    const file = path.join(dir, 'warehouse.duckdb');
    await writeDatabase(file);
    const script = `import('@duckdb/node-api').then(async (d) => { await d.DuckDBInstance.create(process.argv[1]); console.log('HOLDING'); setInterval(() => {}, 1000); })`;
    child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('HOLDING') && resolve());
      child!.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
    });
    const err = await Warehouse.open(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((err as Error).message).toBe(`The warehouse ${file} is in use by another process (is \`dango start\` running?)`);
  });
});

/** A project whose project.yml has `platform.duckdb` set to `duckdb`. */
async function projectWith(duckdb: unknown): Promise<string> {
  await initProject(dir, { name: 'settings' });
  const file = path.join(dir, '.dango', 'project.yml');
  const doc = parse(fs.readFileSync(file, 'utf8')) as { platform: Record<string, unknown> };
  doc.platform.duckdb = duckdb;
  fs.writeFileSync(file, stringify(doc));
  return dir;
}

const setting = async (p: DangoPlatform, name: string): Promise<unknown> =>
  (await p.warehouse.query<{ v: unknown }>(`SELECT current_setting('${name}') AS v`))[0]!.v;

describe('platform.duckdb settings', () => {
  it('applies memory_limit, threads and temp_directory from project.yml at open', async () => {
    await projectWith({ memory_limit: '256MB', threads: 3, temp_directory: 'data/spill' });
    platform = await DangoPlatform.open({ projectDir: dir });
    // DuckDB reports the limit in binary units: 256 MB = 244.1 MiB.
    expect(await setting(platform, 'memory_limit')).toBe('244.1 MiB');
    expect(await setting(platform, 'threads')).toBe(3);
    expect(await setting(platform, 'temp_directory')).toBe(path.join(fs.realpathSync(dir), 'data', 'spill'));
  });

  it('lets OpenOptions.memoryLimit win over the file, and validates it', async () => {
    await projectWith({ memory_limit: '256MB' });
    platform = await DangoPlatform.open({ projectDir: dir, memoryLimit: '1GiB' });
    expect(await setting(platform, 'memory_limit')).toBe('1.0 GiB');
    await platform.close();
    platform = undefined;
    await expect(DangoPlatform.open({ projectDir: dir, memoryLimit: 'lots' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: "Invalid memory limit 'lots': must be a size with a unit, such as '512MB' or '2GiB'",
    });
  });

  it.each([
    [{ memory_limit: '80%' }, "platform.duckdb.memory_limit: must be a size with a unit, such as '512MB' or '2GiB'"],
    [{ memory_limit: '10MB' }, 'platform.duckdb.memory_limit: must be at least 64MiB'],
    [{ threads: 0 }, 'platform.duckdb.threads: must be at least 1'],
    [{ threads: 1.5 }, 'platform.duckdb.threads: must be a whole number'],
    [{ temp_directory: '' }, 'platform.duckdb.temp_directory: must be a directory path'],
    [{ memory: '1GB' }, 'platform.duckdb.memory: unknown key (did you mean "memory_limit"?)'],
  ])('refuses platform.duckdb %j with a CONFIG_INVALID that names the key', async (duckdb, expected) => {
    await projectWith(duckdb);
    const err = await DangoPlatform.open({ projectDir: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((err as Error).message).toContain('Invalid .dango/project.yml: ');
    expect((err as Error).message).toContain(expected);
  });
});
