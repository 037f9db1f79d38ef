import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { SOURCE } from '../fixture-project';

/** Asserts the `{"detail": "..."}` error body of the API reference. */
export function expectDetail(reply: { status: number; json: unknown }, status: number, mentions?: string): void {
  expect({ status: reply.status, body: reply.json }).toMatchObject({ status, body: { detail: expect.any(String) } });
  if (mentions) expect((reply.json as { detail: string }).detail).toContain(mentions);
}

/** The read-only routes: status, health, watcher, config, sources, logs, models, docs, 404 and 405. */
export function readRouteCases(env: ContractEnv): void {
  it('GET /api/status reports health, version, services and uptime', async () => {
    const r = await env.api('/api/status');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(expect.arrayContaining(['dango_version', 'services', 'status', 'uptime']));
    expect(r.json.dango_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(r.json.services).sort()).toEqual(['api', 'dbt_docs', 'duckdb', 'metabase']);
    expect(r.json.services.duckdb).toBe('healthy');
    expect(typeof r.json.uptime).toBe('string');
  });

  it('GET /api/health/platform reports database, disk and sources', async () => {
    const r = await env.api('/api/health/platform');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ total_sources: 1, enabled_sources: 1, dbt_failures: [] });
    expect(r.json.timestamp).toMatch(/Z$/);
    expect(typeof r.json.database.size_mb).toBe('number');
    expect(['ok', 'low', 'critical', 'unknown']).toContain(r.json.disk.status);
  });

  it('GET /api/watcher/status describes the in-process watcher', async () => {
    const r = await env.api('/api/watcher/status');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ watch_patterns: ['*.csv'], watch_directories: ['data/uploads'], debounce_seconds: 600 });
    expect(typeof r.json.running).toBe('boolean');
  });

  it('GET /api/config and /api/metabase-config come from the project config', async () => {
    const config = await env.api('/api/config');
    expect(config.status).toBe(200);
    // web_port and web_url describe where the API is actually served (the contract's pair agrees: 8800 / :8800).
    expect(config.json).toMatchObject({ project_name: 'contract', organization: 'Contract Co', web_url: env.url(''), web_port: Number(new URL(env.base).port) });
    for (const key of ['web_url', 'metabase_url', 'dbt_docs_url', 'api_url']) expect(config.json).toHaveProperty(key);
    const metabase = await env.api('/api/metabase-config');
    expect(metabase.status).toBe(200);
    expect(metabase.json).toEqual({ database_id: null, configured: false });
  });

  it('GET /api/sources lists the CSV source; details answer 404 for an unknown one', async () => {
    const list = await env.api('/api/sources');
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ name: SOURCE, type: 'csv', enabled: true, schedule: null, next_sync: null });
    expect(await env.api('/api/schedules')).toMatchObject({ status: 200, json: [] });
    const details = await env.api(`/api/sources/${SOURCE}/details`);
    expect(details.status).toBe(200);
    expect(details.json).toMatchObject({ name: SOURCE, config: { type: 'csv' } });
    expect(Array.isArray(details.json.history)).toBe(true);
    expectDetail(await env.api('/api/sources/no_such_source/details'), 404, 'no_such_source');
  });

  it('GET source logs honours limit and rejects bad limits and unknown sources', async () => {
    const r = await env.api(`/api/sources/${SOURCE}/logs?limit=2`);
    expect(r.status).toBe(200);
    expect(r.json.length).toBeLessThanOrEqual(2);
    for (const line of r.json) expect(Object.keys(line)).toEqual(expect.arrayContaining(['timestamp', 'level', 'message']));
    expectDetail(await env.api(`/api/sources/${SOURCE}/logs?limit=abc`), 400);
    expectDetail(await env.api('/api/sources/no_such_source/logs'), 404);
  });

  it('GET /api/logs returns activity lines and rejects a bad limit', async () => {
    const r = await env.api('/api/logs?limit=3');
    expect(r.status).toBe(200);
    expect(r.json.length).toBeGreaterThan(0);
    expect(r.json.length).toBeLessThanOrEqual(3);
    expect(['INFO', 'WARNING', 'ERROR', 'SUCCESS']).toContain(r.json[0].level);
    expectDetail(await env.api('/api/logs?limit=-5'), 400);
  });

  it('dbt routes list models and answer 404 for an unknown model', async () => {
    const r = await env.api('/api/dbt/models');
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json.models)).toBe(true);
    expectDetail(await env.api('/api/dbt/models/no_such_model/run', { method: 'POST' }), 404, 'no_such_model');
  });

  it('serves the OpenAPI document and the docs pages', async () => {
    const doc = await env.api('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.json.paths)).toContain('/api/status');
    const docs = await env.api('/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('answers 404 JSON for an unknown API path and 405 with Allow for a wrong method', async () => {
    expectDetail(await env.api('/api/no/such/route'), 404);
    const r = await env.api('/api/status', { method: 'DELETE' });
    expectDetail(r, 405);
    expect(r.headers.get('allow')).toContain('GET');
  });
}
