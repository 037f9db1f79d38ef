import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoEventMap, DangoPlatform } from '../../src';
import { SOURCES_RELOAD_DEBOUNCE_MS } from '../../src/schedules/sources-file-watch';
import { ManualClock, openScheduled, scheduleProject, webhookReceiver, type Script } from './helpers';

const T0 = Date.parse('2030-01-01T10:15:00Z');
const HOURLY = { name: 'api', type: 'scripted', schedule: '0 * * * *', timezone: 'UTC', scripted: {} };

let platform: DangoPlatform | null = null;
let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await platform?.close();
  platform = null;
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(sources: unknown[], env = ''): Promise<string> {
  const proj = await scheduleProject(sources, env);
  cleanups.push(proj.cleanup);
  return proj.dir;
}

/** Waits, a turn of the event loop at a time (no timer), until no scheduled run is in progress. */
async function untilIdle(p: DangoPlatform): Promise<void> {
  do await new Promise((resolve) => setImmediate(resolve));
  while (p.listSchedules().some((s) => s.running));
}

/** The next `log` event whose message matches. */
function nextLog(p: DangoPlatform, re: RegExp): Promise<DangoEventMap['log']> {
  return new Promise((resolve) => {
    const off = p.on('log', (e) => {
      if (re.test(e.message)) {
        off();
        resolve(e);
      }
    });
  });
}

function logLines(p: DangoPlatform): DangoEventMap['log'][] {
  const lines: DangoEventMap['log'][] = [];
  p.on('log', (e) => lines.push(e));
  return lines;
}

const historyStatuses = async (p: DangoPlatform, name = 'api') => (await p.getSource(name)).history.map((h) => h.status);

describe('scheduled syncs', () => {
  it('are off unless the platform is opened with schedules; the schedule still shows, with next_sync null', async () => {
    const dir = await setup([HOURLY]);
    const clock = new ManualClock(T0);
    const script: Script = { steps: [], prepared: 0 };
    platform = await openScheduled(dir, script, { scheduleClock: clock });
    expect(clock.delays).toEqual([]);
    expect((await platform.listSources())[0]).toMatchObject({ name: 'api', schedule: '0 * * * *', next_sync: null });
    expect(platform.listSchedules()).toEqual([
      { source: 'api', schedule: '0 * * * *', timezone: 'UTC', retries: 2, next_sync: null, enabled: true, active: false, running: false, last_run: null },
    ]);
  });

  it('runs an ordinary sync at each fire time and arms the next one', async () => {
    const dir = await setup([HOURLY, { name: 'manual', type: 'scripted', scripted: {} }]);
    const clock = new ManualClock(T0);
    const script: Script = { steps: [], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: true, scheduleClock: clock });
    expect(clock.dues).toEqual(['2030-01-01T11:00:00.000Z']);
    const listed = await platform.listSources();
    expect(listed.map((s) => [s.name, s.schedule, s.next_sync])).toEqual([['api', '0 * * * *', '2030-01-01T11:00:00.000Z'], ['manual', null, null]]);

    const seen: string[] = [];
    platform.on('event', (e) => seen.push(e.type));
    const completed = new Promise<DangoEventMap['sync_completed']>((resolve) => platform!.once('sync_completed', resolve));
    clock.fireNext();
    expect(await completed).toMatchObject({ source: 'api', rows: 3 });
    await untilIdle(platform);
    expect(seen.filter((t) => t.startsWith('sync_') || t === 'after_sync_completed')).toEqual(['sync_started', 'sync_completed', 'after_sync_completed']);
    expect(await historyStatuses(platform)).toEqual(['success']);
    expect(clock.dues).toEqual(['2030-01-01T12:00:00.000Z']);
    const [schedule] = platform.listSchedules();
    expect(schedule).toMatchObject({ active: true, running: false, next_sync: '2030-01-01T12:00:00.000Z', last_run: { status: 'success', attempts: 1 } });
    expect(new Date(schedule!.last_run!.started_at).toISOString()).toBe(schedule!.last_run!.started_at);
    // The manual source has no schedule: a sync of it is up to the user.
    expect(script.prepared).toBe(1);
  });

  it('skips a fire time while the source is syncing, with an INFO line, and keeps its schedule', async () => {
    const dir = await setup([HOURLY]);
    const clock = new ManualClock(T0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const script: Script = { steps: [gate], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: true, scheduleClock: clock });
    const manual = platform.startSync('api');
    const skipped = nextLog(platform, /skipped/);
    clock.fireNext();
    expect(await skipped).toMatchObject({ level: 'INFO', source: 'api', message: 'Scheduled sync of api skipped: a sync of it is already running' });
    expect(platform.listSchedules()[0]).toMatchObject({ running: false, last_run: null });
    release();
    expect((await manual.done).status).toBe('success');
    expect(script.prepared).toBe(1);
    expect(clock.dues).toEqual(['2030-01-01T12:00:00.000Z']);
  });

  it('retries a failed run with exponential backoff until it succeeds, and posts no notification for it', async () => {
    const hook = await webhookReceiver();
    cleanups.push(hook.close);
    const dir = await setup([{ ...HOURLY, notify: { webhook_url_env: 'HOOK_URL' } }], `HOOK_URL=${hook.url}\n`);
    const clock = new ManualClock(T0);
    const script: Script = { steps: ['fail', 'fail', 'ok'], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: { retryDelayMs: 1000 }, scheduleClock: clock });
    const logs = logLines(platform);
    clock.fireNext();
    await clock.whenDelay(1000);
    expect(platform.listSchedules()[0]).toMatchObject({ running: true, last_run: { status: 'running', attempts: 1 } });
    expect(clock.fireNext()).toBe(1000);
    await clock.whenDelay(2000);
    expect(clock.fireNext()).toBe(2000);
    await untilIdle(platform);
    expect(script.prepared).toBe(3);
    expect(await historyStatuses(platform)).toEqual(['success', 'failed', 'failed']);
    expect(logs.filter((l) => l.level === 'WARNING').map((l) => l.message)).toEqual([
      'Scheduled sync of api failed (attempt 1 of 3); trying again in 1s',
      'Scheduled sync of api failed (attempt 2 of 3); trying again in 2s',
    ]);
    expect(platform.listSchedules()[0]!.last_run).toMatchObject({ status: 'success', attempts: 3 });
    expect(clock.dues).toEqual(['2030-01-01T12:00:00.000Z']);
    await platform.close();
    expect(hook.bodies).toEqual([]);
  });

  it('records a failed run once the retries are spent and posts one notification, secrets redacted', async () => {
    const hook = await webhookReceiver();
    cleanups.push(hook.close);
    const dir = await setup(
      [{ ...HOURLY, retries: 1, notify: { webhook_url_env: 'HOOK_URL' }, scripted: { token_env: 'SCRIPT_TOKEN' } }],
      `HOOK_URL=${hook.url}\nSCRIPT_TOKEN=tok-123-secret\n`,
    );
    const clock = new ManualClock(T0);
    const script: Script = { steps: ['fail', 'fail', 'fail'], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: { retryDelayMs: 50 }, scheduleClock: clock });
    const posted = hook.next();
    clock.fireNext();
    await clock.whenDelay(50);
    clock.fireNext();
    const body = (await posted) as Record<string, unknown>;
    expect(body).toEqual({
      text: "Dango: sync of 'api' failed after 2 attempts (project sched): upstream refused token ********",
      project: 'sched',
      source: 'api',
      error: 'upstream refused token ********',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      scheduled: true,
      attempts: 2,
      _contentType: 'application/json',
      _method: 'POST',
    });
    await untilIdle(platform);
    expect(script.prepared).toBe(2);
    expect(await historyStatuses(platform)).toEqual(['failed', 'failed']);
    expect(platform.listSchedules()[0]).toMatchObject({ running: false, last_run: { status: 'failed', attempts: 2 } });
    expect(JSON.stringify(await platform.getSource('api'))).not.toContain('tok-123-secret');
    await platform.close();
    expect(hook.bodies).toHaveLength(1);
  });

  it('runs a schedule that fired while no platform ran it once at start, however many fire times passed', async () => {
    const dir = await setup([
      HOURLY,
      { ...HOURLY, name: 'fresh' },
      { ...HOURLY, name: 'never' },
    ]);
    const history = (ts: string) => JSON.stringify({ timestamp: ts, status: 'success', duration_seconds: 1, rows_processed: 3, full_refresh: false, error_message: null }) + '\n';
    fs.mkdirSync(path.join(dir, '.dango', 'history'), { recursive: true });
    // api last synced at 08:30: the 09:00 and 10:00 runs were missed. fresh synced at 10:05: nothing missed.
    fs.writeFileSync(path.join(dir, '.dango', 'history', 'api.jsonl'), history('2030-01-01T08:30:00.000Z'));
    fs.writeFileSync(path.join(dir, '.dango', 'history', 'fresh.jsonl'), history('2030-01-01T10:05:00.000Z'));
    const clock = new ManualClock(T0);
    const script: Script = { steps: [], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: true, scheduleClock: clock });
    // The overdue run started during open(), before a listener could be added: count prepares and history.
    await untilIdle(platform);
    expect(script.prepared).toBe(1);
    expect((await platform.getSource('api')).history).toHaveLength(2);
    expect((await platform.getSource('fresh')).history).toHaveLength(1);
    expect((await platform.getSource('never')).history).toHaveLength(0);
    expect(platform.logs().map((l) => l.message)).toContain('Scheduled sync of api was due at 2030-01-01T09:00:00.000Z while Dango was not running; running it now');
    expect(clock.dues).toEqual(['2030-01-01T11:00:00.000Z', '2030-01-01T11:00:00.000Z', '2030-01-01T11:00:00.000Z']);
  });

  it('skips a fire time while the previous scheduled run waits to retry; close() stops the wait and every timer', async () => {
    const dir = await setup([HOURLY]);
    const clock = new ManualClock(T0);
    const script: Script = { steps: ['fail', 'fail'], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: { retryDelayMs: 2 * 3600_000 }, scheduleClock: clock });
    clock.fireNext();
    await clock.whenDelay(2 * 3600_000);
    expect(clock.dues).toEqual(['2030-01-01T12:00:00.000Z', '2030-01-01T13:00:00.000Z']);
    const skipped = nextLog(platform, /skipped/);
    clock.fireNext();
    expect((await skipped).message).toBe('Scheduled sync of api skipped: its previous scheduled run is still retrying');
    await platform.close();
    expect(clock.delays).toEqual([]);
    expect(script.prepared).toBe(1);
    expect(platform.listSchedules()[0]).toMatchObject({ running: false, last_run: { status: 'failed', attempts: 1 } });
  });

  it('close() waits for a scheduled sync in progress, which completes and records its history', async () => {
    const dir = await setup([HOURLY]);
    const clock = new ManualClock(T0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const script: Script = { steps: [gate], prepared: 0 };
    platform = await openScheduled(dir, script, { schedules: true, scheduleClock: clock });
    const started = new Promise((resolve) => platform!.once('sync_started', resolve));
    clock.fireNext();
    await started;
    let closed = false;
    const closing = platform.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(clock.delays).toEqual([]);
    expect(platform.listSchedules()[0]!.last_run).toMatchObject({ status: 'success', attempts: 1 });
    const history = fs.readFileSync(path.join(dir, '.dango', 'history', 'api.jsonl'), 'utf8').trim().split('\n');
    expect(history.map((l) => JSON.parse(l).status)).toEqual(['success']);
  });

  it('follows sources.yml on reloadSources: changed schedules re-armed, removed ones stopped, an invalid file changes nothing', async () => {
    const proj = await scheduleProject([HOURLY, { ...HOURLY, name: 'other', schedule: '30 * * * *' }]);
    cleanups.push(proj.cleanup);
    // The file watch's debounce timers (10:15:00.300) are set as the file changes; only the schedules' timers count here.
    const clock = new ManualClock(T0, (ms) => ms !== SOURCES_RELOAD_DEBOUNCE_MS);
    platform = await openScheduled(proj.dir, { steps: [], prepared: 0 }, { schedules: true, scheduleClock: clock });
    expect(clock.dues).toEqual(['2030-01-01T10:30:00.000Z', '2030-01-01T11:00:00.000Z']);

    proj.writeSources([{ ...HOURLY, schedule: '45 10 * * *' }, { ...HOURLY, name: 'other', schedule: null }]);
    await platform.reloadSources();
    expect(clock.dues).toEqual(['2030-01-01T10:45:00.000Z']);
    expect(platform.listSchedules().map((s) => [s.source, s.schedule, s.next_sync])).toEqual([['api', '45 10 * * *', '2030-01-01T10:45:00.000Z']]);

    proj.writeSources([{ ...HOURLY, schedule: '99 * * * *' }]);
    await expect(platform.reloadSources()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining("source 'api': '99 * * * *' is not a valid cron expression") });
    expect(clock.dues).toEqual(['2030-01-01T10:45:00.000Z']);

    proj.writeSources([{ ...HOURLY, enabled: false }]);
    await platform.reloadSources();
    expect(clock.delays).toEqual([]);
    expect(platform.listSchedules()).toMatchObject([{ source: 'api', enabled: false, active: false, next_sync: null }]);
  });
});

describe('sources.yml edits while schedules run', () => {
  // A real clock: chokidar drops a change that follows another within 50 ms, which a manual debounce would let the test do.
  it('are reloaded after a short debounce: a new schedule is armed; an invalid file is reported and changes nothing', async () => {
    const proj = await scheduleProject([HOURLY]);
    cleanups.push(proj.cleanup);
    platform = await openScheduled(proj.dir, { steps: [], prepared: 0 }, { schedules: true });
    const nextSyncs = () => platform!.listSchedules().map((s) => [s.source, s.next_sync?.slice(10)]);
    expect(platform.listSchedules()[0]!.next_sync).toMatch(/T\d\d:00:00\.000Z$/);

    const reloaded = nextLog(platform, /sources\.yml/);
    proj.writeSources([{ ...HOURLY, schedule: '50 10 * * *' }, { ...HOURLY, name: 'more', schedule: '20 10 * * *' }]);
    expect(await reloaded).toMatchObject({ level: 'INFO', message: 'Reloaded .dango/sources.yml: sources and schedules updated' });
    expect(nextSyncs()).toEqual([['api', 'T10:50:00.000Z'], ['more', 'T10:20:00.000Z']]);
    expect((await platform.listSources()).map((s) => s.name)).toEqual(['api', 'more']);

    const refused = nextLog(platform, /sources\.yml/);
    proj.writeSources([{ ...HOURLY, timezone: 'Nowhere/Land' }]);
    expect(await refused).toMatchObject({
      level: 'WARNING',
      message: expect.stringContaining("was not applied (the previous configuration stays): Invalid .dango/sources.yml: sources[0].timezone: source 'api': 'Nowhere/Land' is not a known IANA time zone"),
    });
    expect(nextSyncs()).toEqual([['api', 'T10:50:00.000Z'], ['more', 'T10:20:00.000Z']]);
  });
});

describe('failure notifications', () => {
  it('post on a failed manual sync too (scheduled: false)', async () => {
    const hook = await webhookReceiver();
    cleanups.push(hook.close);
    const dir = await setup([{ name: 'api', type: 'scripted', notify: { webhook_url_env: 'HOOK_URL' }, scripted: {} }], `HOOK_URL=${hook.url}\n`);
    platform = await openScheduled(dir, { steps: ['fail'], prepared: 0 });
    const posted = hook.next();
    expect((await platform.sync('api')).status).toBe('failed');
    expect(await posted).toMatchObject({ source: 'api', scheduled: false, error: 'upstream refused token ?', text: "Dango: sync of 'api' failed (project sched): upstream refused token ?" });
    expect(await posted).not.toHaveProperty('attempts');
  });

  it('log a WARNING and never fail the sync when the webhook errors, is unreachable or is not set', async () => {
    const hook = await webhookReceiver(500);
    cleanups.push(hook.close);
    const gone = await webhookReceiver();
    await gone.close();
    const dir = await setup(
      [
        { name: 'a', type: 'scripted', notify: { webhook_url_env: 'HOOK_500' }, scripted: {} },
        { name: 'b', type: 'scripted', notify: { webhook_url_env: 'HOOK_GONE' }, scripted: {} },
        { name: 'c', type: 'scripted', notify: { webhook_url_env: 'HOOK_UNSET' }, scripted: {} },
      ],
      `HOOK_500=${hook.url}\nHOOK_GONE=${gone.url}\n`,
    );
    platform = await openScheduled(dir, { steps: ['fail', 'fail', 'fail', 'ok'], prepared: 0 });
    for (const [name, why] of [['a', /^the webhook answered HTTP 500$/], ['b', /^fetch failed \(ECONNREFUSED\)$/], ['c', /^environment variable HOOK_UNSET \(named by c\.notify\.webhook_url_env\) is not set$/]] as const) {
      const warned = nextLog(platform, new RegExp(`^Failure notification for ${name} not sent`));
      expect((await platform.sync(name)).status).toBe('failed');
      const line = await warned;
      expect(line).toMatchObject({ level: 'WARNING', source: name });
      expect(line.message.replace(`Failure notification for ${name} not sent: `, '')).toMatch(why);
      expect(line.message).not.toContain('127.0.0.1');
    }
    expect(hook.bodies).toHaveLength(1);
    // The platform goes on: the next sync works.
    expect((await platform.sync('a')).status).toBe('success');
  });
});
