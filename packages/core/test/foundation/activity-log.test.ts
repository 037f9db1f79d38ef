import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityLog, logEntryForEvent } from '../../src/logs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dango-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('activity log', () => {
  it('persists entries as JSONL and reads them back after a restart, newest last', () => {
    const file = path.join(dir, 'logs', 'activity.jsonl');
    const log = new ActivityLog(file);
    for (let i = 0; i < 5; i++) log.append({ timestamp: `2025-01-0${i + 1}T00:00:00.000Z`, level: 'INFO', message: `m${i}`, source: i % 2 ? 'a' : 'b' });
    appendFileSync(file, '{"torn line'); // a crash mid-write must not break the next start
    const reopened = new ActivityLog(file);
    expect(reopened.entries({ limit: 2 }).map((e) => e.message)).toEqual(['m3', 'm4']);
    expect(reopened.entries({ source: 'a' }).map((e) => e.message)).toEqual(['m1', 'm3']);
    expect(reopened.entries({ limit: 0 })).toEqual([]);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('maps events to levels and keeps their message and subject', () => {
    const ts = '2025-01-01T00:00:00.000Z';
    expect(logEntryForEvent({ type: 'sync_failed', source: 's', error: 'x', message: 'Sync failed: x', timestamp: ts })).toMatchObject({ level: 'ERROR', source: 's', message: 'Sync failed: x' });
    expect(logEntryForEvent({ type: 'sync_completed', source: 's', rows: 3, duration_seconds: 1, message: 'Sync completed: 3 rows', timestamp: ts })).toMatchObject({ level: 'SUCCESS' });
    expect(logEntryForEvent({ type: 'dbt_model_completed', model: 'm', status: 'error', execution_time: 0, message: 'm failed', timestamp: ts })).toMatchObject({ level: 'ERROR', model: 'm' });
  });
});
