import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DangoEventMap } from '../../src/events';
import { ROUTES } from '../../src/http/routes';
import type { TransformResult } from '../../src/transform/types';
import { getJson, startServer, type TestServer } from './helpers';

const post = (url: string, body?: unknown) =>
  getJson(url, { method: 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

describe('POST /api/dbt/snapshot', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
    fs.mkdirSync(path.join(s.dir, 'dbt/snapshots'), { recursive: true });
    fs.writeFileSync(path.join(s.dir, 'dbt/seeds/people.csv'), 'id,name\n1,ann\n2,bob\n');
    fs.writeFileSync(
      path.join(s.dir, 'dbt/snapshots/people_history.sql'),
      "{% snapshot people_history %}\n{{ config(target_schema='history', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('people') }}\n{% endsnapshot %}\n",
    );
  });
  afterAll(async () => {
    await s.close();
  });

  async function runToEnd(body?: unknown) {
    const ended = new Promise<DangoEventMap['dbt_command_completed']>((resolve) => s.platform.once('dbt_command_completed', resolve));
    const started = await post(`${s.url}/api/dbt/snapshot`, body);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ success: true, command: 'snapshot' });
    await ended;
    const record = await getJson(`${s.url}/api/dbt/runs/${started.body.run_id}`);
    const parsed = ROUTES.find((r) => r.operationId === 'getCommandRun')!.response.safeParse(record.body);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    return record.body as { status: string; result: TransformResult | null; command: string };
  }

  it('runs the selected snapshots in the background and keeps their results; a second run records changes', async () => {
    await s.platform.seed();
    const first = await runToEnd({ select: ['resource_type:snapshot'] });
    expect(first).toMatchObject({ command: 'snapshot', status: 'success' });
    expect(first.result!.results).toMatchObject([{ name: 'people_history', resource_type: 'snapshot', status: 'success', rows_affected: 2 }]);
    fs.writeFileSync(path.join(s.dir, 'dbt/seeds/people.csv'), 'id,name\n1,ann\n2,bobby\n');
    await s.platform.seed();
    const second = await runToEnd();
    expect(second.result!.results[0]).toMatchObject({ status: 'success', message: 'MERGE 1', rows_affected: 1 });
    const rows = await s.platform.warehouse.query<{ id: number; name: string; current: boolean }>(
      'SELECT id::INTEGER AS id, name, dbt_valid_to IS NULL AS current FROM history.people_history ORDER BY id, dbt_valid_from',
    );
    expect(rows).toEqual([{ id: 1, name: 'ann', current: true }, { id: 2, name: 'bob', current: false }, { id: 2, name: 'bobby', current: true }]);
  });

  it('400 for a bad body; a selection that matches no snapshot runs nothing', async () => {
    const bad = await post(`${s.url}/api/dbt/snapshot`, { exclude: 'people_history' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/exclude/);
    const none = await runToEnd({ select: ['people'] });
    expect(none.result!.results).toEqual([]);
  });
});
