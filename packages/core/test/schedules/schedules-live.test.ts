import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform, type DangoEventMap } from '../../src';
import { getJson, startServer, type TestServer } from '../http/helpers';
import { ManualClock, scheduleProject } from './helpers';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('schedules on a real clock', () => {
  it('syncs a per-second schedule through DangoPlatform.open({ schedules: true }) and loads the data', async () => {
    const proj = await scheduleProject([{ name: 'sales', type: 'csv', schedule: '* * * * * *', csv: { directory: 'data/uploads/sales' } }]);
    cleanups.push(proj.cleanup);
    fs.mkdirSync(path.join(proj.dir, 'data/uploads/sales'), { recursive: true });
    fs.writeFileSync(path.join(proj.dir, 'data/uploads/sales/a.csv'), 'id,amount\n1,2.5\n2,3.5\n');
    const platform = await DangoPlatform.open({ projectDir: proj.dir, schedules: true });
    cleanups.push(() => platform.close());
    const completed = new Promise<DangoEventMap['sync_completed']>((resolve) => platform.once('sync_completed', resolve));
    const [listed] = await platform.listSources();
    expect(listed!.next_sync).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(await completed).toMatchObject({ source: 'sales', rows: 2 });
    expect(await platform.warehouse.query('SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 2 }]);
    await platform.close();
    // close() stopped the timer: the warehouse is closed and nothing fires into it.
    expect(platform.listSchedules()[0]).toMatchObject({ source: 'sales', active: true, last_run: { attempts: 1 } });
  });
});

describe('GET /api/sources and GET /api/schedules', () => {
  let s: TestServer;
  const T0 = Date.parse('2030-06-01T08:20:00Z');

  it('show the schedule and its next fire time on a platform that runs schedules', async () => {
    const clock = new ManualClock(T0);
    s = await startServer({}, { schedules: true, scheduleClock: clock });
    cleanups.push(() => s.close());
    const sourcesYml = path.join(s.dir, '.dango/sources.yml');
    fs.writeFileSync(sourcesYml, fs.readFileSync(sourcesYml, 'utf8').replace('    enabled: true\n', '    enabled: true\n    schedule: "0 6 * * *"\n    timezone: America/New_York\n    retries: 3\n'));
    await s.platform.reloadSources();

    const sources = await getJson(`${s.url}/api/sources`);
    expect(sources.status).toBe(200);
    // 06:00 in New York (EDT, UTC-4) on June 1st, 2030 is 10:00 UTC.
    expect(sources.body).toMatchObject([{ name: 'sales', schedule: '0 6 * * *', next_sync: '2030-06-01T10:00:00.000Z' }]);

    const schedules = await getJson(`${s.url}/api/schedules`);
    expect(schedules.status).toBe(200);
    expect(schedules.body).toEqual([
      { source: 'sales', schedule: '0 6 * * *', timezone: 'America/New_York', retries: 3, next_sync: '2030-06-01T10:00:00.000Z', enabled: true, active: true, running: false, last_run: null },
    ]);
    const openapi = await getJson(`${s.url}/api/openapi.json`);
    const item = openapi.body.paths['/api/schedules'].get.responses['200'].content['application/json'].schema.items;
    expect(Object.keys(item.properties ?? openapi.body.components.schemas[item.$ref.split('/').pop()].properties).sort()).toEqual(
      ['active', 'enabled', 'last_run', 'next_sync', 'retries', 'running', 'schedule', 'source', 'timezone'],
    );
  });

  it('show the schedule with next_sync null on a platform without schedules, and an empty list without any', async () => {
    s = await startServer();
    cleanups.push(() => s.close());
    expect((await getJson(`${s.url}/api/schedules`)).body).toEqual([]);
    expect((await getJson(`${s.url}/api/sources`)).body).toMatchObject([{ name: 'sales', schedule: null, next_sync: null }]);
    const sourcesYml = path.join(s.dir, '.dango/sources.yml');
    fs.writeFileSync(sourcesYml, fs.readFileSync(sourcesYml, 'utf8').replace('    enabled: true\n', '    enabled: true\n    schedule: "@daily"\n'));
    await s.platform.reloadSources();
    expect((await getJson(`${s.url}/api/sources`)).body).toMatchObject([{ name: 'sales', schedule: '@daily', next_sync: null }]);
    expect((await getJson(`${s.url}/api/schedules`)).body).toMatchObject([{ source: 'sales', schedule: '@daily', timezone: null, retries: 2, active: false, next_sync: null }]);
  });
});
