import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform, type HistoryEntry } from '../../src';
import { HealthService, type HealthOptions } from '../../src/health/health-service';
import { sourceHealth } from '../../src/health/source-health';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/thresholds';
import { csvSource, tempProject } from '../watcher/helpers';

const GIB = 1024 ** 3;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openProject(sources: unknown[] = []): Promise<{ dir: string; platform: DangoPlatform }> {
  const project = await tempProject({ sources });
  cleanups.push(project.cleanup);
  const platform = await DangoPlatform.open({ projectDir: project.dir });
  cleanups.push(() => platform.close());
  return { dir: project.dir, platform };
}

/** Plenty of disk, so only the figure under test can raise an issue. */
const roomyDisk: HealthOptions['measureDisk'] = async () => ({ freeBytes: 400 * GIB, totalBytes: 500 * GIB });

function history(dir: string, source: string, entries: Partial<HistoryEntry>[], tail = ''): void {
  const historyDir = path.join(dir, '.dango', 'history');
  mkdirSync(historyDir, { recursive: true });
  const lines = entries.map((e) =>
    JSON.stringify({ timestamp: new Date().toISOString(), status: 'success', duration_seconds: 1, rows_processed: 1, full_refresh: false, error_message: null, ...e }),
  );
  writeFileSync(path.join(historyDir, `${source}.jsonl`), lines.join('\n') + '\n' + tail);
}

describe('platform.health()', () => {
  it('reports a fresh project with every field of the contract', async () => {
    const { platform } = await openProject();
    const report = await platform.health();
    expect(Object.keys(report).sort()).toEqual(
      ['critical_issues', 'database', 'dbt_failures', 'disk', 'enabled_sources', 'status', 'sync_failures', 'timestamp', 'total_sources', 'warnings'].sort(),
    );
    expect(report.database).toEqual({ size_mb: expect.any(Number), tables: 0, status: 'new', raw_tables: 0, staging_tables: 0, marts_tables: 0 });
    expect(report.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(report.disk.total_gb).toBeGreaterThan(0);
    expect(report.disk.free_gb).toBeLessThanOrEqual(report.disk.total_gb);
    expect(['ok', 'low', 'critical']).toContain(report.disk.status);
    expect(report).toMatchObject({ sync_failures: [], dbt_failures: [], total_sources: 0, enabled_sources: 0 });
  });

  it('reports a real failing source (malformed CSV) and a real failing model', async () => {
    const { dir, platform } = await openProject([csvSource('good'), csvSource('bad')]);
    const put = (source: string, name: string, text: string) => {
      mkdirSync(path.join(dir, 'data', 'uploads', source), { recursive: true });
      writeFileSync(path.join(dir, 'data', 'uploads', source, name), text);
    };
    put('good', 'rows.csv', 'id,amount\n1,10\n2,20\n');
    put('bad', 'broken.csv', 'id,name\n1,"unbalanced\n2,ok\n');
    const marts = path.join(dir, 'dbt', 'models', 'marts');
    mkdirSync(marts, { recursive: true });
    writeFileSync(path.join(marts, 'good_totals.sql'), "select sum(amount) as total from {{ ref('stg_good') }}\n");
    writeFileSync(path.join(marts, 'broken_model.sql'), "select missing_column from {{ ref('stg_good') }}\n");

    expect((await platform.sync('good')).status).toBe('success');
    const bad = await platform.sync('bad');
    expect(bad.status).toBe('failed');

    const health = new HealthService(platform.context, { listModels: () => platform.listModels() }, { measureDisk: roomyDisk });
    const report = await health.health();
    expect(report.sync_failures).toEqual([{ source: 'bad', error: bad.error_message, timestamp: bad.finished_at }]);
    expect(report.dbt_failures).toEqual([{ model: 'broken_model', error: expect.stringContaining('missing_column'), timestamp: expect.any(String) }]);
    expect(report.database).toMatchObject({ raw_tables: 1, staging_tables: 1, marts_tables: 1, tables: 3, status: 'small' });
    expect(report).toMatchObject({ status: 'warning', critical_issues: [], total_sources: 2, enabled_sources: 2 });
    expect(report.warnings).toEqual([
      expect.stringMatching(/^Source 'bad' failed its last sync \(.*\): /),
      expect.stringMatching(/^Model 'broken_model' failed its last run: .*missing_column/),
    ]);
  });

  it('counts raw, staging and marts tables and views from the catalog, leaving out _dango', async () => {
    const { platform } = await openProject();
    await platform.warehouse.write(async (c) => {
      await c.run(`CREATE SCHEMA raw_a; CREATE SCHEMA raw_b; CREATE SCHEMA staging; CREATE SCHEMA marts;
        CREATE TABLE raw_a.t1 AS SELECT 1 AS x; CREATE TABLE raw_a.t2 AS SELECT 2 AS x; CREATE TABLE raw_b.t AS SELECT 3 AS x;
        CREATE VIEW staging.stg_a_t1 AS SELECT * FROM raw_a.t1; CREATE TABLE marts.m AS SELECT 1 AS y;
        CREATE TABLE main.loose AS SELECT 1 AS z; CREATE TABLE _dango.files AS SELECT 1 AS f`);
    });
    const health = new HealthService(platform.context, undefined, { measureDisk: roomyDisk });
    const report = await health.health();
    expect(report.database).toMatchObject({ tables: 6, raw_tables: 3, staging_tables: 1, marts_tables: 1, status: 'small' });
    const bytes = await platform.warehouse.sizeBytes();
    expect(bytes).toBeGreaterThan(0);
    expect(report.database.size_mb).toBe(Math.round((bytes / 1024 / 1024) * 100) / 100);
    expect(report.status).toBe('healthy');
    expect(report.warnings).toEqual([]);
  });

  it('rates disk figures: critical and low by absolute space or by free fraction', async () => {
    const { platform } = await openProject();
    const rate = async (freeBytes: number, totalBytes: number) =>
      new HealthService(platform.context, undefined, { measureDisk: async () => ({ freeBytes, totalBytes }) }).health();

    const critical = await rate(1 * GIB, 100 * GIB);
    expect(critical.disk).toEqual({ status: 'critical', free_gb: 1, total_gb: 100 });
    expect(critical.status).toBe('critical');
    expect(critical.critical_issues).toEqual([expect.stringMatching(/^Disk space is critically low: 1 GB free of 100 GB \(1%\)/)]);

    const criticalRatio = await rate(15 * GIB, 1000 * GIB);
    expect(criticalRatio.disk.status).toBe('critical');

    const low = await rate(5 * GIB, 100 * GIB);
    expect(low.disk.status).toBe('low');
    expect(low.status).toBe('warning');
    expect(low.critical_issues).toEqual([]);
    expect(low.warnings).toEqual([expect.stringMatching(/^Disk space is low: 5 GB free/)]);

    expect((await rate(50 * GIB, 1000 * GIB)).disk.status).toBe('low');
    expect((await rate(50 * GIB, 100 * GIB)).disk.status).toBe('ok');

    const broken = await new HealthService(platform.context, undefined, {
      measureDisk: async () => {
        throw new Error('statfs unsupported');
      },
    }).health();
    expect(broken.disk).toEqual({ status: 'unknown', free_gb: 0, total_gb: 0 });
    expect(broken.warnings).toEqual(['Disk space cannot be measured: statfs unsupported']);
  });

  it('takes thresholds and measurements from DangoPlatform.open({ health })', async () => {
    const project = await tempProject();
    cleanups.push(project.cleanup);
    const platform = await DangoPlatform.open({
      projectDir: project.dir,
      health: { measureDisk: async () => ({ freeBytes: 50 * GIB, totalBytes: 100 * GIB }), thresholds: { diskLowFreeBytes: 60 * GIB } },
    });
    cleanups.push(() => platform.close());
    const report = await platform.health();
    expect(report.disk).toEqual({ status: 'low', free_gb: 50, total_gb: 100 });
    expect(report.status).toBe('warning');
  });

  it('rates database size with default and injected thresholds', async () => {
    const { platform } = await openProject();
    await platform.warehouse.write((c) => c.run('CREATE TABLE main.t AS SELECT 1 AS x'));
    const rate = (bytes: number, thresholds = {}) =>
      new HealthService(platform.context, undefined, { measureDisk: roomyDisk, measureDatabase: async () => bytes, thresholds }).health();

    expect((await rate(512 * 1024 * 1024)).database).toMatchObject({ status: 'small', size_mb: 512 });
    expect((await rate(5 * GIB)).database.status).toBe('medium');
    const large = await rate(12 * GIB);
    expect(large.database).toMatchObject({ status: 'large', size_mb: 12288 });
    expect(large.status).toBe('warning');
    expect(large.warnings).toEqual(['The warehouse is large (12.0 GB); consider archiving or dropping old data']);
    expect((await rate(2000, { databaseSmallBytes: 1000, databaseMediumBytes: 3000 })).database.status).toBe('medium');
    expect((await rate(3000, { databaseSmallBytes: 1000, databaseMediumBytes: 3000 })).database.status).toBe('large');
  });

  it('reports sources whose last sync failed, never-synced and stale sources from the sync history', async () => {
    const { dir, platform } = await openProject([
      csvSource('failing'),
      csvSource('recovered'),
      csvSource('stale'),
      csvSource('fresh'),
      csvSource('never'),
      csvSource('disabled', { enabled: false }),
    ]);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    history(dir, 'failing', [{ timestamp: daysAgo(1) }, { timestamp: daysAgo(0), status: 'failed', error_message: 'Unterminated quoted field in bad.csv line 3' }]);
    history(dir, 'recovered', [{ status: 'failed', error_message: 'x' }, { status: 'success' }]);
    history(dir, 'stale', [{ timestamp: daysAgo(10) }], '{"torn line');
    history(dir, 'fresh', [{ timestamp: daysAgo(6) }]);
    const health = new HealthService(platform.context, undefined, { measureDisk: roomyDisk });
    const report = await health.health();
    expect(report.sync_failures).toEqual([{ source: 'failing', error: 'Unterminated quoted field in bad.csv line 3', timestamp: expect.any(String) }]);
    expect(report).toMatchObject({ total_sources: 6, enabled_sources: 5, status: 'warning', critical_issues: [] });
    expect(report.warnings).toEqual([
      expect.stringMatching(/^Source 'failing' failed its last sync \(.*\): Unterminated quoted field in bad\.csv line 3$/),
      expect.stringMatching(/^Source 'stale' is stale: last successful sync 10 days ago/),
      "Source 'never' has never been synced",
    ]);
  });

  it('honours an injected staleness threshold', async () => {
    const now = Date.parse('2025-06-10T00:00:00Z');
    const dir = (await tempProject()).dir;
    cleanups.push(() => import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true })));
    history(dir, 'a', [{ timestamp: '2025-06-08T00:00:00Z' }]);
    const sources = [csvSource('a')] as never;
    const historyDir = path.join(dir, '.dango', 'history');
    expect((await sourceHealth(sources, historyDir, DEFAULT_HEALTH_THRESHOLDS.staleSourceDays, now)).warnings).toEqual([]);
    expect((await sourceHealth(sources, historyDir, 1, now)).warnings).toEqual(["Source 'a' is stale: last successful sync 2 days ago (2025-06-08T00:00:00Z)"]);
  });

  it('lists models whose last run failed, and says so when the dbt project cannot be read', async () => {
    const { platform } = await openProject();
    const models = [
      { name: 'ok_model', status: 'success', last_run: '2025-01-01T00:00:00Z', error: null },
      { name: 'broken', status: 'error', last_run: '2025-01-02T00:00:00Z', error: 'Binder Error: column "x" not found' },
      { name: 'skipped_child', status: 'skipped', last_run: '2025-01-02T00:00:00Z' },
      { name: 'never_run', status: null },
    ].map((m) => ({ description: '', database: 'db', schema: 'marts', depends_on: [], materialization: 'table', ...m })) as never;
    const report = await new HealthService(platform.context, { listModels: async () => models }, { measureDisk: roomyDisk }).health();
    expect(report.dbt_failures).toEqual([{ model: 'broken', error: 'Binder Error: column "x" not found', timestamp: '2025-01-02T00:00:00Z' }]);
    expect(report.warnings).toEqual([`Model 'broken' failed its last run: Binder Error: column "x" not found`]);

    const unreadable = await new HealthService(platform.context, {
      listModels: async () => {
        throw new Error("dbt_project.yml: line 3: bad indentation");
      },
    }, { measureDisk: roomyDisk }).health();
    expect(unreadable.dbt_failures).toEqual([]);
    expect(unreadable.warnings).toEqual(['The dbt project cannot be read: dbt_project.yml: line 3: bad indentation']);
  });

  it('parses the dbt project once per burst of calls, and again right after any dbt run', async () => {
    const { platform } = await openProject();
    let calls = 0;
    let error = 'Binder Error: column "x" not found\n\nLINE 1: select x\n               ^';
    const listModels = async () => {
      calls++;
      return [{ name: 'm', description: '', database: 'db', schema: 'marts', depends_on: [], materialization: 'table', status: 'error' as const, last_run: null, error }];
    };
    const health = new HealthService(platform.context, { listModels }, { measureDisk: roomyDisk, modelCacheMs: 60_000 });
    const burst = await Promise.all([health.health(), health.health(), health.health()]);
    await health.health();
    expect(calls).toBe(1);
    // The sentence keeps the first line of a multi-line database error; the failure entry keeps it whole.
    expect(burst[0]!.warnings).toEqual(['Model \'m\' failed its last run: Binder Error: column "x" not found']);
    expect(burst[0]!.dbt_failures[0]!.error).toBe(error);
    error = 'fixed differently';
    platform.context.emit('dbt_run_completed', { model: null, models: 1, message: 'dbt run completed' });
    const after = await health.health();
    expect(calls).toBe(2);
    expect(after.dbt_failures[0]!.error).toBe('fixed differently');
  });

  it('keeps answering while a write holds the queue', async () => {
    const { platform } = await openProject();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const write = platform.warehouse.write(async (c) => {
      await c.run('CREATE TABLE main.big AS SELECT range AS x FROM range(100000)');
      entered();
      await held;
    }, { transaction: true });
    await inside;
    const report = await platform.health();
    expect(platform.warehouse.pendingWrites).toBe(1);
    // The uncommitted table is invisible to the read: health saw the last committed state.
    expect(report.database.tables).toBe(0);
    release();
    await write;
    expect((await platform.health()).database.tables).toBe(1);
  });

  it('marks the database as error (critical) when the catalog cannot be read', async () => {
    const { platform } = await openProject();
    const health = new HealthService(platform.context, undefined, { measureDisk: roomyDisk });
    await platform.warehouse.close();
    const report = await health.health();
    expect(report.database.status).toBe('error');
    expect(report.status).toBe('critical');
    expect(report.critical_issues).toEqual([expect.stringMatching(/^The warehouse cannot be read: /)]);
  });
});
