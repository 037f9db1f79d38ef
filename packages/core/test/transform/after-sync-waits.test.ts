import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src/index';
import type { DangoEvent } from '../../src/events';

const demo = path.resolve(__dirname, '../../../../examples/demo');
let dir: string | undefined;
let platform: DangoPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  platform = undefined;
  dir = undefined;
});

describe('models after a sync', () => {
  it('wait for every source they read to have loaded once, so the demo first sync fails no model', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dango-demo-'));
    cpSync(demo, dir, { recursive: true, filter: (src) => !/warehouse\.duckdb|[\\/]\.dango[\\/](history|logs|server\.json)|[\\/]target([\\/]|$)/.test(src) });
    platform = await DangoPlatform.open({ projectDir: dir });
    const events: DangoEvent[] = [];
    platform.on('event', (e) => events.push(e));

    // orders_enriched reads sales_data and crm: after the first source it waits instead of failing.
    expect((await platform.sync('sales_data')).status).toBe('success');
    const failed = () => events.filter((e) => e.type === 'dbt_model_completed' && e.status === 'error');
    expect(failed()).toEqual([]);
    expect(events.some((e) => e.type === 'log' && e.level === 'INFO' && /Model orders_enriched waits for crm\.customers/.test(e.message))).toBe(true);
    const ran = (model: string) => events.some((e) => e.type === 'dbt_model_completed' && e.model === model && e.status === 'success');
    expect(ran('stg_sales_data_orders')).toBe(true);
    expect(ran('orders_enriched')).toBe(false);

    // Once crm has loaded, its sync runs the model that waited.
    expect((await platform.sync('crm')).status).toBe('success');
    expect((await platform.sync('web_events')).status).toBe('success');
    expect(failed()).toEqual([]);
    expect(ran('orders_enriched')).toBe(true);
    const built = await platform.build();
    expect(built.success).toBe(true);
  });
});
