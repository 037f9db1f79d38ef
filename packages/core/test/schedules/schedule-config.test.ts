import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../src';
import { scheduleProject } from './helpers';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

async function load(source: Record<string, unknown>) {
  const proj = await scheduleProject([{ name: 'sales', type: 'csv', csv: { directory: 'data/uploads/sales' }, ...source }]);
  cleanup = proj.cleanup;
  return loadProjectConfig(proj.dir);
}

describe('schedule config', () => {
  it('accepts a cron schedule (5 or 6 fields, nicknames), a time zone, retries and notify, and keeps them on the source', async () => {
    const config = await load({ schedule: '*/15 9-17 * * 1-5', timezone: 'Europe/Berlin', retries: 4, notify: { webhook_url_env: 'SLACK_WEBHOOK' } });
    expect(config.sources[0]).toMatchObject({ schedule: '*/15 9-17 * * 1-5', timezone: 'Europe/Berlin', retries: 4, notify: { webhook_url_env: 'SLACK_WEBHOOK' } });
    for (const schedule of ['* * * * * *', '@hourly', '0 0 * * SUN']) expect((await load({ schedule })).sources[0]!.schedule).toBe(schedule);
    // Without a schedule nothing is added (retries default at run time, so a source's config stays as written).
    expect(Object.keys((await load({})).sources[0]!).sort()).toEqual(['csv', 'enabled', 'name', 'type']);
  });

  it.each([
    [{ schedule: '61 * * * *' }, "sources[0].schedule: source 'sales': '61 * * * *' is not a valid cron expression: Invalid value for minute: 61"],
    [{ schedule: 'every hour' }, "sources[0].schedule: source 'sales': 'every hour' is not a valid cron expression:"],
    [{ schedule: '0 0 31 2 *' }, "sources[0].schedule: source 'sales': '0 0 31 2 *' never fires (no date matches it)"],
    [{ schedule: '' }, 'sources[0].schedule: must be a cron expression such as "0 * * * *"'],
    [{ schedule: '0 * * * *', timezone: 'Mars/Olympus_Mons' }, "sources[0].timezone: source 'sales': 'Mars/Olympus_Mons' is not a known IANA time zone"],
    [{ schedule: '0 * * * *', retries: -1 }, 'sources[0].retries:'],
    [{ schedule: '0 * * * *', retries: 1.5 }, 'sources[0].retries: must be a whole number'],
    [{ notify: { webhook_url_env: 'https://hooks.slack.com/services/T0/B0/xyz' } }, 'sources[0].notify.webhook_url_env: must name an environment variable'],
    [{ notify: { webhook_url: 'https://hooks.example.com/x' } }, 'sources[0].notify.webhook_url_env: must name the environment variable holding the webhook URL; sources[0].notify.webhook_url: unknown key (did you mean "webhook_url_env"?)'],
  ])('refuses %j with CONFIG_INVALID naming the source and the value', async (source, message) => {
    await expect(load(source)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(`Invalid .dango/sources.yml: ${message}`) });
  });
});
