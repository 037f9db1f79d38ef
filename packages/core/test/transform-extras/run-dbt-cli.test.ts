import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDangoError } from '../../src/errors';
import { dbtArgs, runDbtCli, type DbtCommand, type DbtSelection } from '../../src/transform/dbt-cli/run-dbt-cli';

const FAKE_DBT = fileURLToPath(new URL('./fixtures/fake-dbt/dbt.cjs', import.meta.url));

interface RunResults {
  metadata: { dbt_schema_version: string };
  results: { unique_id: string; status: string; message: string | null; execution_time: number }[];
  args: { which: string; select: string[]; exclude: string[]; full_refresh: boolean; project_dir: string; profiles_dir: string; use_colors: boolean };
}

let root: string;
let dbtDir: string;

function writeModel(rel: string, sql: string): void {
  const file = path.join(dbtDir, 'models', rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sql);
}

async function run(args: string[], extra: Partial<Parameters<typeof runDbtCli>[0]> = {}) {
  const lines: string[] = [];
  const result = await runDbtCli({ executable: FAKE_DBT, dbtDir, args, onLine: (l) => lines.push(l), ...extra });
  return { ...result, runResults: result.runResults as RunResults | null, lines };
}

/** Resolves once `pid` no longer exists; bounded because process exit cannot be awaited from outside. */
async function waitForExit(pid: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

beforeAll(() => fs.chmodSync(FAKE_DBT, 0o755));
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  dbtDir = path.join(root, 'dbt');
  fs.mkdirSync(path.join(root, 'data'));
  fs.mkdirSync(dbtDir);
  fs.writeFileSync(path.join(dbtDir, 'dbt_project.yml'), 'name: shop\nversion: 1.0.0\nprofile: dango\n');
  fs.writeFileSync(path.join(dbtDir, 'profiles.yml'), 'dango:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ../data/warehouse.duckdb\n');
  writeModel('staging/stg_shop_orders.sql', 'select 1 as id\n');
  writeModel('marts/revenue.sql', "select * from {{ ref('stg_shop_orders') }}\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('dbtArgs', () => {
  it('builds dbt command lines from a selection', () => {
    expect(dbtArgs('run')).toEqual(['run']);
    expect(dbtArgs('run', { select: ['stg_x+', 'tag:daily'], exclude: ['legacy'], fullRefresh: true })).toEqual([
      'run', '--select', 'stg_x+', 'tag:daily', '--exclude', 'legacy', '--full-refresh',
    ]);
    expect(dbtArgs('docs generate', { select: ['source:sales+'] })).toEqual(['docs', 'generate', '--select', 'source:sales+']);
    expect(dbtArgs('build', { fullRefresh: true, select: [] })).toEqual(['build', '--full-refresh']);
    // dbt test and docs generate have no --full-refresh flag.
    expect(dbtArgs('test', { fullRefresh: true })).toEqual(['test']);
    expect(dbtArgs('docs generate', { fullRefresh: true })).toEqual(['docs', 'generate']);
  });

  it('rejects selectors that dbt would read as flags, empty selectors and unknown commands', () => {
    const cases: [string, DbtSelection][] = [
      ['run', { select: ['--profiles-dir'] }],
      ['run', { exclude: [' -x'] }],
      ['test', { select: ['  '] }],
      ['deps', {}],
    ];
    for (const [cmd, sel] of cases) {
      let caught: unknown;
      try {
        dbtArgs(cmd as DbtCommand, sel);
      } catch (err) {
        caught = err;
      }
      expect(isDangoError(caught, 'BAD_REQUEST')).toBe(true);
    }
  });
});

describe('runDbtCli', () => {
  it('runs dbt on the project, streams its lines and reads back run_results.json', async () => {
    const { exitCode, runResults, lines } = await run(dbtArgs('run'));
    expect(exitCode).toBe(0);
    expect(lines.some((l) => l.endsWith('Running with dbt=1.8.7'))).toBe(true);
    expect(lines.at(-1)).toMatch(/Done\. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2$/);
    expect(runResults?.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/run-results/v6.json');
    expect(runResults?.results.map((r) => [r.unique_id, r.status]).sort()).toEqual([
      ['model.shop.revenue', 'success'],
      ['model.shop.stg_shop_orders', 'success'],
    ]);
    expect(runResults?.args).toMatchObject({ which: 'run', project_dir: dbtDir, profiles_dir: dbtDir, use_colors: false });
  });

  it('passes the selection through and reports a failing model with exit code 1', async () => {
    writeModel('marts/broken.sql', '-- fake-dbt: fail\nselect nope\n');
    const { exitCode, runResults, lines } = await run(dbtArgs('run', { select: ['broken', 'revenue'], exclude: ['stg_shop_orders'], fullRefresh: true }));
    expect(exitCode).toBe(1);
    expect(runResults?.args).toMatchObject({ select: ['broken', 'revenue'], exclude: ['stg_shop_orders'], full_refresh: true });
    const broken = runResults?.results.find((r) => r.unique_id === 'model.shop.broken');
    expect(broken?.status).toBe('error');
    expect(broken?.message).toMatch(/Binder Error/);
    expect(runResults?.results).toHaveLength(2);
    expect(lines.some((l) => /ERROR creating sql view model main\.broken/.test(l))).toBe(true);
  });

  it('returns null run results when dbt fails before writing them, even if an old file exists', async () => {
    expect((await run(dbtArgs('run'))).runResults).not.toBeNull();
    fs.rmSync(path.join(dbtDir, 'profiles.yml'));
    const { exitCode, runResults, lines } = await run(dbtArgs('run'));
    expect(exitCode).toBe(2);
    expect(runResults).toBeNull();
    expect(lines.join('\n')).toMatch(/Could not find profile named 'dango'/);
  });

  it('runs dbt from the project folder so relative profile paths resolve as with dbt itself', async () => {
    fs.rmSync(path.join(root, 'data'), { recursive: true });
    const { exitCode, lines } = await run(dbtArgs('run'));
    expect(exitCode).toBe(2);
    expect(lines.join('\n')).toMatch(/Cannot open file "\.\.\/data\/warehouse\.duckdb"/);
  });

  it('passes extra environment and reads run results from DBT_TARGET_PATH', async () => {
    const { runResults } = await run(dbtArgs('seed'), { env: { DBT_TARGET_PATH: 'alt-target' } });
    expect(runResults?.args.which).toBe('seed');
    expect(fs.existsSync(path.join(dbtDir, 'alt-target', 'run_results.json'))).toBe(true);
    expect(fs.existsSync(path.join(dbtDir, 'target', 'run_results.json'))).toBe(false);
  });

  it('runs the two-word docs generate command and a relative executable path', async () => {
    const rel = path.relative(process.cwd(), FAKE_DBT);
    const { exitCode, runResults } = await run(dbtArgs('docs generate'), { executable: rel });
    expect(exitCode).toBe(0);
    expect(runResults?.args.which).toBe('docs_generate');
  });

  it('explains a missing or unusable executable and a missing project folder', async () => {
    const notExec = path.join(root, 'dbt-not-exec');
    fs.writeFileSync(notExec, '#!/bin/sh\n', { mode: 0o644 });
    const cases: [Partial<Parameters<typeof runDbtCli>[0]>, string | RegExp][] = [
      [{ executable: 'dbt-definitely-missing' }, 'dbt executable "dbt-definitely-missing" not found: install dbt-duckdb or set platform.transform_engine: embedded'],
      [{ executable: path.join(root, 'nope', 'dbt') }, /not found: install dbt-duckdb/],
      [{ executable: notExec }, /is not executable/],
      [{ executable: '' }, /executable is empty/],
      [{ dbtDir: path.join(root, 'missing') }, /dbt project folder .*missing does not exist/],
    ];
    for (const [opts, message] of cases) {
      const err = await run(dbtArgs('run'), opts).catch((e: unknown) => e);
      expect(isDangoError(err, 'CONFIG_INVALID'), String(err)).toBe(true);
      if (typeof message === 'string') expect((err as Error).message).toBe(message);
      else expect((err as Error).message).toMatch(message);
    }
  });

  it('kills dbt and rejects when aborted mid-run', async () => {
    writeModel('marts/slow.sql', '-- fake-dbt: hang\nselect 1\n');
    const controller = new AbortController();
    const outcome = runDbtCli({
      executable: FAKE_DBT,
      dbtDir,
      args: dbtArgs('run', { select: ['slow'] }),
      signal: controller.signal,
      onLine: (line) => {
        if (line.includes('START')) controller.abort();
      },
    }).catch((e: unknown) => e);
    const err = await outcome;
    expect((err as Error).name).toBe('AbortError');
    const pid = Number(fs.readFileSync(path.join(dbtDir, 'target', 'fake-dbt.pid'), 'utf8'));
    expect(await waitForExit(pid)).toBe(true);
  });

  it('does not start dbt when already aborted, and stops dbt when onLine throws', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await runDbtCli({ executable: FAKE_DBT, dbtDir, args: ['run'], signal: controller.signal }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(fs.existsSync(path.join(dbtDir, 'target'))).toBe(false);

    writeModel('marts/slow.sql', '-- fake-dbt: hang\nselect 1\n');
    const boom = new Error('listener failed');
    const thrown = await runDbtCli({
      executable: FAKE_DBT,
      dbtDir,
      args: dbtArgs('run', { select: ['slow'] }),
      onLine: (line) => {
        if (line.includes('START')) throw boom;
      },
    }).catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    const pid = Number(fs.readFileSync(path.join(dbtDir, 'target', 'fake-dbt.pid'), 'utf8'));
    expect(await waitForExit(pid)).toBe(true);
  });
});
