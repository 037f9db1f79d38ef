import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DangoEventMap } from '../../src/events';
import { getJson, startServer, type TestServer } from './helpers';

const post = (url: string, body: unknown) => getJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('--vars in the bodies of /api/dbt/*', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/greeting.sql'), "select '{{ var(\"who\", \"nobody\") }}' as who\n");
  });
  afterAll(async () => {
    await s.close();
  });

  async function runToEnd(body: unknown): Promise<string> {
    const ended = new Promise<DangoEventMap['dbt_command_completed']>((resolve) => s.platform.once('dbt_command_completed', resolve));
    const started = await post(`${s.url}/api/dbt/run`, body);
    expect(started.status).toBe(200);
    await ended;
    const [row] = await s.platform.warehouse.query<{ who: string }>('select who from marts.greeting');
    return row!.who;
  }

  it('takes vars as a mapping or as YAML text, over the defaults', async () => {
    expect(await runToEnd({ select: ['greeting'] })).toBe('nobody');
    expect(await runToEnd({ select: ['greeting'], vars: { who: 'mapping' } })).toBe('mapping');
    expect(await runToEnd({ select: ['greeting'], vars: '{who: yaml}' })).toBe('yaml');
  });

  it('refuses vars that are not a mapping with a 400 and starts nothing', async () => {
    const res = await post(`${s.url}/api/dbt/build`, { vars: '[1, 2]' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: "--vars must be a mapping of names to values, e.g. '{start_date: \"2024-01-01\"}' (got [1,2])" });
    expect((await post(`${s.url}/api/dbt/run`, { vars: 3 })).status).toBe(400);
    const sync = await post(`${s.url}/api/sources/sales/sync`, { vars: 'who: [' });
    expect(sync.status).toBe(400);
    expect(sync.body.detail).toMatch(/^--vars is not valid YAML or JSON/);
  });
});
