import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject } from '../../src/config';
import type { DangoEventMap } from '../../src/events';
import { DangoPlatform } from '../../src/platform';
import { GENERATED_MARKER, stagingModelName } from '../../src/transform/staging-generator';

let dir: string;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'naming' });
  fs.writeFileSync(path.join(dir, '.dango/sources.yml'), 'sources:\n  - name: big_orders\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/big_orders\n');
  fs.mkdirSync(path.join(dir, 'data/uploads/big_orders'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data/uploads/big_orders/a.csv'), 'id,amount\n1,10\n2,20\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const staging = () => path.join(dir, 'dbt/models/staging');

/** Syncs through a real platform and returns how the models after the sync went. */
async function syncAndReport(): Promise<{ after: DangoEventMap['after_sync_completed']; total: number }> {
  const platform = await DangoPlatform.open({ projectDir: dir });
  try {
    const after = new Promise<DangoEventMap['after_sync_completed']>((resolve) => platform.once('after_sync_completed', resolve));
    expect((await platform.sync('big_orders')).status).toBe('success');
    const [row] = await platform.warehouse.query<{ total: number }>('SELECT total::INTEGER AS total FROM marts.order_total');
    return { after: await after, total: row!.total };
  } finally {
    await platform.close();
  }
}

describe('staging model names', () => {
  it('is stg_<source> for a table named after its source, stg_<source>_<table> otherwise', () => {
    expect(stagingModelName('big_orders', 'big_orders')).toBe('stg_big_orders');
    expect(stagingModelName('big_orders', 'Big Orders')).toBe('stg_big_orders');
    expect(stagingModelName('sales', 'orders')).toBe('stg_sales_orders');
  });

  it('a new project gets stg_<source> for a source without table:', async () => {
    fs.writeFileSync(path.join(dir, 'dbt/models/marts/order_total.sql'), "select sum(amount) as total from {{ ref('stg_big_orders') }}\n");
    const { after, total } = await syncAndReport();
    expect(after.failed).toEqual([]);
    expect(total).toBe(30);
    expect(fs.existsSync(path.join(staging(), 'stg_big_orders.sql'))).toBe(true);
    expect(fs.existsSync(path.join(staging(), 'stg_big_orders_big_orders.sql'))).toBe(false);
  });

  it('an existing project keeps working: its generated stg_<source>_<source> becomes an alias of the new model', async () => {
    fs.mkdirSync(staging(), { recursive: true });
    fs.writeFileSync(path.join(staging(), 'stg_big_orders_big_orders.sql'), `-- ${GENERATED_MARKER}\nselect * from {{ source('big_orders', 'big_orders') }}\n`);
    fs.writeFileSync(path.join(dir, 'dbt/models/marts/order_total.sql'), "select sum(amount) as total from {{ ref('stg_big_orders_big_orders') }}\n");
    const { after, total } = await syncAndReport();
    expect(after.failed).toEqual([]);
    expect(total).toBe(30);
    const alias = fs.readFileSync(path.join(staging(), 'stg_big_orders_big_orders.sql'), 'utf8');
    expect(alias.split('\n')[0]).toContain('dango:generated');
    expect(alias).toContain("select * from {{ ref('stg_big_orders') }}");
  });

  it('leaves a user-owned stg_<source>_<source> alone', async () => {
    fs.mkdirSync(staging(), { recursive: true });
    const mine = "select id, amount * 2 as amount from {{ source('big_orders', 'big_orders') }}\n";
    fs.writeFileSync(path.join(staging(), 'stg_big_orders_big_orders.sql'), mine);
    fs.writeFileSync(path.join(dir, 'dbt/models/marts/order_total.sql'), "select sum(amount) as total from {{ ref('stg_big_orders_big_orders') }}\n");
    const { total } = await syncAndReport();
    expect(total).toBe(60);
    expect(fs.readFileSync(path.join(staging(), 'stg_big_orders_big_orders.sql'), 'utf8')).toBe(mine);
  });
});
