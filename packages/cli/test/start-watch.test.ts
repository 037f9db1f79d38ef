import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { csvProject, salesCsv, serverTestScope, startServer } from './helpers';

interface WsEvent {
  type: string;
  source?: string;
  rows?: number;
  model?: string | null;
}

/** Collects /ws messages and resolves waits on the first message matching a predicate. */
function listen(url: string): Promise<{ events: WsEvent[]; next: (match: (e: WsEvent) => boolean) => Promise<WsEvent>; close: () => void }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  const events: WsEvent[] = [];
  const waiters: { match: (e: WsEvent) => boolean; resolve: (e: WsEvent) => void }[] = [];
  ws.on('message', (data) => {
    const event = JSON.parse(String(data)) as WsEvent;
    events.push(event);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  const next = (match: (e: WsEvent) => boolean) =>
    new Promise<WsEvent>((resolve) => {
      const seen = events.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ events, next, close: () => ws.close() }));
    ws.once('error', reject);
  });
}

describe('dango start with the watcher', () => {
  const tmp = serverTestScope();

  it('picks up a dropped file by itself: warehouse, downstream model, /ws and the health report', async () => {
    const root = await csvProject(tmp.dir, {});
    const projectFile = path.join(root, '.dango', 'project.yml');
    writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace('debounce_seconds: 600', 'debounce_seconds: 1'));
    writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'sales_total.sql'), "select count(*) as n, sum(amount) as total from {{ ref('stg_sales') }}\n");

    const server = await startServer(root, [], {}, { watch: true });
    const ws = await listen(server.url);
    expect(await (await fetch(`${server.url}/api/watcher/status`)).json()).toMatchObject({ running: true, debounce_seconds: 1, auto_sync_enabled: true });

    writeFileSync(path.join(root, 'data', 'uploads', 'sales', 'drop.csv'), salesCsv(42));

    expect(await ws.next((e) => e.type === 'sync_completed' && e.source === 'sales')).toMatchObject({ rows: 42 });
    await ws.next((e) => e.type === 'dbt_run_completed');
    ws.close();
    const types = ws.events.map((e) => e.type);
    expect(types.indexOf('watcher_triggered')).toBeGreaterThan(-1);
    expect(types.indexOf('watcher_triggered')).toBeLessThan(types.indexOf('sync_started'));
    expect(ws.events.filter((e) => e.type === 'sync_started')).toHaveLength(1);

    const sources = (await (await fetch(`${server.url}/api/sources`)).json()) as { name: string; row_count: number; status: string }[];
    expect(sources).toMatchObject([{ name: 'sales', row_count: 42, status: 'synced' }]);
    const models = (await (await fetch(`${server.url}/api/dbt/models`)).json()) as { models: { name: string; status: string }[] };
    expect(models.models.find((m) => m.name === 'sales_total')).toMatchObject({ status: 'success' });
    const health = (await (await fetch(`${server.url}/api/health/platform`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ database: { raw_tables: 1, staging_tables: 1, marts_tables: 1 }, sync_failures: [], dbt_failures: [] });
  });
});
