import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoEvent } from '../../src';
import { getJson, startServer, type TestServer } from './helpers';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** The next sync end (`sync_completed` or `sync_failed`) of `source`. */
function syncEnd(server: TestServer, source: string): Promise<DangoEvent> {
  return new Promise((resolve) => {
    const off = server.platform.on('event', (e: DangoEvent) => {
      if ((e.type === 'sync_completed' || e.type === 'sync_failed') && e.source === source) {
        off();
        resolve(e);
      }
    });
  });
}

const post = (url: string, body: unknown) => getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /api/sources/{name}/sync and a sync that would empty a table', () => {
  it('refuses, naming the CLI flag, the API field and the method option; allow_empty: true empties it', async () => {
    s = await startServer();
    const file = path.join(s.dir, 'data/uploads/sales/a.csv');
    fs.writeFileSync(file, 'id,amount\n1,2\n2,3\n');
    expect(await s.platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    fs.writeFileSync(file, 'id,amount\n');

    let end = syncEnd(s, 'sales');
    expect((await post(`${s.url}/api/sources/sales/sync`, {})).status).toBe(200);
    const refused = await end;
    expect(refused).toMatchObject({ type: 'sync_failed' });
    const error = (refused as { error: string }).error;
    expect(error).toMatch(/^Refusing to empty raw_sales\.sales \(2 rows\)/);
    expect(error).toContain('--allow-empty (dango sync), {"allow_empty": true} (POST /api/sources/{name}/sync) or allowEmpty: true (platform.sync)');
    expect(await s.platform.warehouse.query('SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 2 }]);

    const bad = await post(`${s.url}/api/sources/sales/sync`, { allow_empty: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/allow_empty/);

    end = syncEnd(s, 'sales');
    expect((await post(`${s.url}/api/sources/sales/sync`, { allow_empty: true })).status).toBe(200);
    expect(await end).toMatchObject({ type: 'sync_completed', rows: 0 });
    expect(await s.platform.warehouse.query('SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 0 }]);
  });
});
