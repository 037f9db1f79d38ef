import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { csvProject, dango, salesCsv, serverTestScope, startServer, stopServer } from './helpers';

const SCHEDULED = '    schedule: "* * * * * *"\n';

/** A project whose `sales` source syncs every second. */
async function scheduledProject(dir: string): Promise<string> {
  const root = await csvProject(dir, { 'a.csv': salesCsv(7) });
  const file = path.join(root, '.dango', 'sources.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('    enabled: true\n', `    enabled: true\n${SCHEDULED}`));
  return root;
}

/** Resolves with the first /ws message of `type` about `source`. */
function nextWsEvent(url: string, type: string, source: string): Promise<Record<string, unknown>> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as Record<string, unknown>;
      if (event.type === type && event.source === source) {
        ws.close();
        resolve(event);
      }
    });
    ws.once('error', reject);
  });
}

describe('dango start with schedules', () => {
  const tmp = serverTestScope();

  it('runs the schedules: a per-second source syncs by itself, and dango status shows its next sync', async () => {
    const root = await scheduledProject(tmp.dir);
    const server = await startServer(root);
    expect(server.output()).toMatch(/ {2}Schedules: {2}1 active, next sync \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\n/);
    expect(await nextWsEvent(server.url, 'sync_completed', 'sales')).toMatchObject({ rows: 7 });

    const schedules = (await (await fetch(`${server.url}/api/schedules`)).json()) as Record<string, unknown>[];
    expect(schedules).toMatchObject([{ source: 'sales', schedule: '* * * * * *', active: true, next_sync: expect.stringMatching(/Z$/) }]);

    const status = await dango(['status', '--project', root]);
    expect(status.exitCode).toBe(0);
    const [header, row] = status.stdout.split('\n').filter((l) => /^(NAME|sales)\b/.test(l));
    expect(header).toMatch(/LAST SYNC\s+NEXT SYNC$/);
    expect(row).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const json = JSON.parse((await dango(['status', '--project', root, '--json'])).stdout) as { sources: Record<string, unknown>[] };
    expect(json.sources[0]).toMatchObject({ schedule: '* * * * * *', next_sync: expect.stringMatching(/Z$/) });
  });

  it('leaves them off with --no-schedules; without a server, dango status says the schedule is not running', async () => {
    const root = await scheduledProject(tmp.dir);
    const server = await startServer(root, ['--no-schedules']);
    expect(server.output()).toContain('  Schedules:  off (1 configured; --no-schedules)\n');
    expect(await (await fetch(`${server.url}/api/schedules`)).json()).toMatchObject([{ source: 'sales', active: false, next_sync: null, last_run: null }]);
    const online = await dango(['status', '--project', root]);
    expect(online.stdout).toMatch(/\* \* \* \* \* \* \(schedules off\)\n/);
    expect(await stopServer(server)).toBe(0);
    // No scheduled sync ran while it served: the source was never synced.
    expect(server.output()).not.toContain('sync_started');

    const offline = await dango(['status', '--project', root]);
    expect(offline.exitCode).toBe(0);
    expect(offline.stdout).toMatch(/\bnever\s+\* \* \* \* \* \* \(no server running\)\n/);
  });
});
