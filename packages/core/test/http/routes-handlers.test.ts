import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoError } from '../../src/errors';
import { createApiHandler } from '../../src/http/api-handler';
import { defineRoute } from '../../src/http/route';
import { ROUTES } from '../../src/http/routes';
import type { DangoRequest } from '../../src/http/types';
import { getJson, startServer, type TestServer } from './helpers';

/** Core's request shape for a body-less GET (the pure handler's input, as the Node plumbing builds it). */
function getRequest(p: string): DangoRequest {
  return {
    method: 'GET',
    path: p,
    prefix: '',
    query: new URLSearchParams(),
    headers: {},
    baseUrl: null,
    body: async () => undefined,
    file: async () => {
      throw new DangoError('BAD_REQUEST', 'no file');
    },
    signal: new AbortController().signal,
  };
}

describe('route handlers against a real platform', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
    fs.writeFileSync(path.join(s.dir, 'data/uploads/sales/a.csv'), 'id,amount\n1,5\n2,6\n');
    await s.platform.sync('sales');
  });
  afterAll(async () => {
    await s.close();
  });

  it.each([
    ['/api/status', 'getStatus'],
    ['/api/health/platform', 'getPlatformHealth'],
    ['/api/watcher/status', 'getWatcherStatus'],
    ['/api/config', 'getConfig'],
    ['/api/metabase-config', 'getMetabaseConfig'],
    ['/api/sources', 'listSources'],
    ['/api/sources/sales/details', 'getSourceDetails'],
    ['/api/sources/sales/logs?limit=5', 'getSourceLogs'],
    ['/api/sources/sales/csv-files', 'listCsvFiles'],
    ['/api/dbt/models', 'listModels'],
    ['/api/logs', 'getLogs'],
  ])('GET %s answers the documented shape', async (url, operationId) => {
    const r = await getJson(`${s.url}${url}`);
    expect(r.status).toBe(200);
    const route = ROUTES.find((x) => x.operationId === operationId)!;
    const parsed = route.response.safeParse(r.body);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('returns the same data as the platform method it wraps', async () => {
    const [sources, details, logs, watcher] = await Promise.all([
      getJson(`${s.url}/api/sources`),
      getJson(`${s.url}/api/sources/sales/details`),
      getJson(`${s.url}/api/sources/sales/logs?limit=2`),
      getJson(`${s.url}/api/watcher/status`),
    ]);
    expect(sources.body).toEqual(await s.platform.listSources());
    expect(sources.body[0]).toMatchObject({ name: 'sales', status: 'synced', row_count: 2 });
    expect(details.body).toEqual(await s.platform.getSource('sales'));
    expect(logs.body).toEqual(await s.platform.sourceLogs('sales', { limit: 2 }));
    expect(logs.body).toHaveLength(2);
    expect(watcher.body).toEqual(s.platform.watcherStatus());
  });

  it('409 when the source is already syncing', async () => {
    // Holding the write queue keeps the first sync running however fast the machine is.
    let release!: () => void;
    const held = s.platform.warehouse.write(() => new Promise<void>((resolve) => (release = resolve)));
    const first = s.platform.startSync('sales', { fullRefresh: true });
    try {
      const r = await getJson(`${s.url}/api/sources/sales/sync`, { method: 'POST' });
      expect(r.status).toBe(409);
      expect(r.body.detail).toMatch(/sales/);
    } finally {
      release();
      await held;
      await first.done;
    }
  });

  it('starts a model run and answers at once; 404 for an unknown model', async () => {
    fs.mkdirSync(path.join(s.dir, 'dbt/models/marts'), { recursive: true });
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/sales_total.sql'), 'select count(*) as n from raw_sales.sales\n');
    const unknown = await getJson(`${s.url}/api/dbt/models/nope/run`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    const done = new Promise<void>((resolve) => s.platform.once('dbt_run_completed', () => resolve()));
    const r = await getJson(`${s.url}/api/dbt/models/sales_total/run?cascade=0`, { method: 'POST' });
    expect(r.body).toEqual({ success: true, message: "dbt model 'sales_total' run started", model_name: 'sales_total', started_at: expect.stringMatching(/Z$/) });
    await done;
  });
});

describe('unexpected errors', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('answer 500 with a generic detail and log the real message, without a stack', async () => {
    const boom = defineRoute({
      method: 'GET',
      path: '/api/boom',
      operationId: 'boom',
      summary: 'fails',
      tags: [],
      input: {},
      response: z.null(),
      handler: () => {
        throw new TypeError('cannot read /secret/path');
      },
    });
    const handler = createApiHandler(s.platform, { version: '0', docsAsset: () => null, routes: [boom] });
    const response = await handler(getRequest('/api/boom'));
    expect(response).toMatchObject({ kind: 'json', status: 500, value: { detail: 'Internal server error' } });
    const last = s.platform.logs({ limit: 1 })[0]!;
    expect(last).toMatchObject({ level: 'ERROR', message: 'Internal error on GET /api/boom: cannot read /secret/path' });
    expect(last.message).not.toMatch(/at .*\(/);
  });

  it('map DangoError codes through the one status table', async () => {
    const conflict = defineRoute({
      method: 'GET',
      path: '/api/conflict',
      operationId: 'conflict',
      summary: '',
      tags: [],
      input: {},
      response: z.null(),
      handler: () => {
        throw new DangoError('UPSTREAM', 'Metabase is down');
      },
    });
    const handler = createApiHandler(s.platform, { version: '0', docsAsset: () => null, routes: [conflict] });
    expect(await handler(getRequest('/api/conflict'))).toMatchObject({ status: 502, value: { detail: 'Metabase is down' } });
  });

  it('report a missing docs asset as 404 JSON', async () => {
    const handler = createApiHandler(s.platform, { version: '0', docsAsset: () => null, routes: [] });
    expect(await handler(getRequest('/api/docs/swagger-ui-bundle.js'))).toMatchObject({ status: 404 });
  });
});
