import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

describe('--vars on a sync', () => {
  it('reach var() in the models the sync runs, and only in that run', async () => {
    const project = await createTestProject(undefined, {
      'models/marts/labelled.sql': "select '{{ var(\"label\", \"default\") }}' as label, count(*)::int as n from {{ ref('stg_shop_orders') }}",
    });
    writeFileSync(path.join(project.dir, '.dango', 'sources.yml'),
      'sources:\n  - name: shop\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/shop\n      file_pattern: "*.csv"\n      table: orders\n');
    mkdirSync(path.join(project.dir, 'data', 'uploads', 'shop'), { recursive: true });
    writeFileSync(path.join(project.dir, 'data', 'uploads', 'shop', 'orders.csv'), 'id,amount\n1,10\n2,20\n');
    const p = await project.open();
    expect((await p.sync('shop', { vars: { label: 'from-sync' } })).status).toBe('success');
    expect(await p.warehouse.query('select label, n from marts.labelled')).toEqual([{ label: 'from-sync', n: 2 }]);
    await p.transform({ select: ['labelled'] });
    expect(await p.warehouse.query('select label from marts.labelled')).toEqual([{ label: 'default' }]);
  });
});
