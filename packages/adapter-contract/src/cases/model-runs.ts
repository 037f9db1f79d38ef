import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { MODEL } from '../fixture-project';
import { recordWs } from '../ws-client';
import { holdWriteQueue } from './hold-write-queue';
import { expectDetail } from './read-routes';

/** `POST /api/dbt/models/{model}/run`: started at once, events on `/ws`, status persisted, 409 while running, 400 on a bad flag. */
export function modelRunCases(env: ContractEnv): void {
  const run = (query = '') => env.api(`/api/dbt/models/${MODEL}/run${query}`, { method: 'POST' });

  it('runs a model: 200 at once, dbt_run_started then dbt_run_completed on /ws, then status success', async () => {
    const ws = await recordWs(env.wsUrl('/ws'));
    try {
      const r = await run('?cascade=false');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ success: true, model_name: MODEL });
      expect(r.json.started_at).toMatch(/Z$/);
      const done = await ws.next((m) => (m.type === 'dbt_run_completed' || m.type === 'dbt_run_failed') && m.model === MODEL);
      expect(done.type).toBe('dbt_run_completed');
      const started = ws.messages.findIndex((m) => m.type === 'dbt_run_started' && m.model === MODEL);
      expect(started).toBeGreaterThanOrEqual(0);
      expect(started).toBeLessThan(ws.messages.indexOf(done));
    } finally {
      await ws.close();
    }
    const models = await env.api('/api/dbt/models');
    expect(models.json.models.find((m: { name: string }) => m.name === MODEL)).toMatchObject({ status: 'success', schema: 'marts' });
  });

  it('refuses a second run of a running model with 409 and a bad cascade flag with 400', async () => {
    expectDetail(await run('?cascade=maybe'), 400);
    const ws = await recordWs(env.wsUrl('/ws'));
    const queue = holdWriteQueue(env);
    try {
      expect((await run()).status).toBe(200);
      expectDetail(await run(), 409, MODEL);
    } finally {
      await queue.release();
    }
    await ws.next((m) => (m.type === 'dbt_run_completed' || m.type === 'dbt_run_failed') && m.model === MODEL);
    await ws.close();
  });
}
