import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/platform';
import { readCursorState } from '../../src/sources/rows';
import { recordEvents, rows, type TestProject } from './helpers';
import { startFakeApi, type FakeApi, type SeenRequest } from './fake-api';
import { createSourcesProject } from './rows-helpers';

const TOKEN = 'shop-Token-7c1d93aa';

let api: FakeApi;
let project: TestProject;
let platform: DangoPlatform;

afterEach(async () => {
  await project?.close();
  await api?.close();
});

async function open(restApi: Record<string, unknown>, env = `SHOP_TOKEN=${TOKEN}\n`): Promise<DangoPlatform> {
  project = await createSourcesProject([{ name: 'shop', type: 'rest_api', enabled: true, rest_api: restApi }], env);
  platform = await project.open();
  return platform;
}

interface Order {
  id: number;
  updated_at: string;
  total: number;
  customer: { name: string; address: { city: string; geo: { lat: number } } };
  tags: string[];
}

const order = (id: number, updated: string, total = id * 10): Order => ({
  id,
  updated_at: updated,
  total,
  customer: { name: `c${id}`, address: { city: 'Paris', geo: { lat: 48.8 } } },
  tags: ['a', `t${id}`],
});

/** A shop API: bearer auth, orders two per page behind `paging.next`, items per order, `updated_since` filtering. */
function shopHandler(orders: Order[]) {
  return (req: SeenRequest) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { error: 'bad token' } };
    const items = /^\/v1\/orders\/(\d+)\/items$/.exec(req.url.pathname);
    if (items) return { body: { data: [{ sku: `s${items[1]}`, qty: Number(items[1]) }] } };
    if (req.url.pathname !== '/v1/orders') return { status: 404, body: { error: 'no route' } };
    const since = req.url.searchParams.get('updated_since');
    const page = Number(req.url.searchParams.get('page') ?? 1);
    const matching = orders.filter((o) => !since || o.updated_at >= since);
    const data = matching.slice((page - 1) * 2, page * 2);
    const next = page * 2 < matching.length ? `/v1/orders?page=${page + 1}${since ? `&updated_since=${since}` : ''}` : null;
    return { body: { data, paging: { next } } };
  };
}

const shopConfig = (base: string) => ({
  client: {
    base_url: `${base}/v1/`,
    auth: { type: 'bearer', token_env: 'SHOP_TOKEN' },
    paginator: { type: 'json_link', next_url_path: 'paging.next' },
  },
  resources: [
    {
      name: 'orders',
      endpoint: {
        path: 'orders',
        params: { status: 'all' },
        data_selector: 'data',
        incremental: { cursor_path: 'updated_at', start_param: 'updated_since', initial_value: '2024-01-01T00:00:00Z' },
      },
      primary_key: 'id',
      write_disposition: 'merge',
    },
    { name: 'order_items', endpoint: { path: 'orders/{resources.orders.id}/items', paginator: 'single_page' } },
  ],
});

describe('rest_api source', () => {
  it('loads paged resources, nested columns and child resources, then merges only what changed', async () => {
    const orders = [order(1, '2024-02-01T00:00:00Z'), order(2, '2024-02-02T00:00:00Z'), order(3, '2024-02-03T00:00:00Z')];
    api = await startFakeApi(shopHandler(orders));
    await open(shopConfig(api.url));
    expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 6 });
    const cols = await rows<{ name: string; type: string }>(platform, `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'raw_shop' AND table_name = 'orders' ORDER BY ordinal_position`);
    expect(Object.fromEntries(cols.map((c) => [c.name, c.type]))).toEqual({
      id: 'BIGINT', updated_at: 'VARCHAR', total: 'BIGINT', customer__name: 'VARCHAR', customer__address__city: 'VARCHAR',
      customer__address__geo: 'JSON', tags: 'JSON', _dango_loaded_at: 'TIMESTAMP WITH TIME ZONE',
    });
    expect(await rows(platform, 'SELECT id, customer__address__geo::VARCHAR AS geo, tags::VARCHAR AS tags FROM raw_shop.orders ORDER BY id LIMIT 1')).toEqual([{ id: 1, geo: '{"lat":48.8}', tags: '["a","t1"]' }]);
    expect(await rows(platform, 'SELECT sku, qty, _orders_id FROM raw_shop.order_items ORDER BY _orders_id')).toEqual([
      { sku: 's1', qty: 1, _orders_id: 1 }, { sku: 's2', qty: 2, _orders_id: 2 }, { sku: 's3', qty: 3, _orders_id: 3 },
    ]);
    const first = api.requests.filter((r) => r.url.pathname === '/v1/orders');
    expect(first.map((r) => r.url.searchParams.get('updated_since'))).toEqual(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z']);
    expect(first[1]!.url.search).toBe('?page=2&updated_since=2024-01-01T00:00:00Z');
    expect(first[0]!.url.searchParams.get('status')).toBe('all');
    expect((await readCursorState(platform.warehouse, 'shop')).get('orders')).toEqual({ cursor: 'updated_at', value: '2024-02-03T00:00:00Z' });

    // Order 2 changes (total and a new field); order 4 appears. The next sync asks from the stored cursor.
    orders[1] = { ...order(2, '2024-03-01T00:00:00Z', 999), ...{ note: 'gift' } } as Order;
    orders.push(order(4, '2024-03-02T00:00:00Z'));
    api.requests.length = 0;
    expect(await platform.sync('shop')).toMatchObject({ status: 'success' });
    expect(api.requests.find((r) => r.url.pathname === '/v1/orders')!.url.searchParams.get('updated_since')).toBe('2024-02-03T00:00:00Z');
    expect(await rows(platform, 'SELECT id, total, note FROM raw_shop.orders ORDER BY id')).toEqual([
      { id: 1, total: 10, note: null }, { id: 2, total: 999, note: 'gift' }, { id: 3, total: 30, note: null }, { id: 4, total: 40, note: null },
    ]);
    // The child follows its incremental parent: appended for the parents this sync read (3, 2 and 4).
    expect((await rows(platform, 'SELECT _orders_id FROM raw_shop.order_items ORDER BY _orders_id')).map((r) => r._orders_id)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  it('bounds the window by a sync\'s start_date and end_date', async () => {
    const orders = [order(1, '2024-02-01T10:00:00Z'), order(2, '2024-02-10T10:00:00Z'), order(3, '2024-03-01T10:00:00Z')];
    api = await startFakeApi(shopHandler(orders));
    const config = shopConfig(api.url);
    (config.resources[0]!.endpoint as Record<string, unknown>).incremental = { cursor_path: 'updated_at', start_param: 'updated_since', end_param: 'updated_before' };
    await open(config);
    expect(await platform.sync('shop', { startDate: '2024-02-05', endDate: '2024-02-20' })).toMatchObject({ status: 'success' });
    const req = api.requests.find((r) => r.url.pathname === '/v1/orders')!;
    expect(req.url.searchParams.get('updated_since')).toBe('2024-02-05T00:00:00Z');
    expect(req.url.searchParams.get('updated_before')).toBe('2024-02-20T23:59:59Z');
    // The fake ignores updated_before: the records past end_date are dropped on our side.
    expect(await rows(platform, 'SELECT id FROM raw_shop.orders ORDER BY id')).toEqual([{ id: 2 }]);
  });

  it('fails clearly on a refused token, with no secret in history, events or the check', async () => {
    api = await startFakeApi((req) => ({ status: 401, body: { error: `token ${req.headers.authorization} is not valid` } }));
    await open(shopConfig(api.url));
    const events = recordEvents(platform, ['sync_failed', 'log', 'sync_progress']);
    const result = await platform.sync('shop');
    expect(result.status).toBe('failed');
    expect(result.error_message).toMatch(/^HTTP 401 from GET http:\/\/127\.0\.0\.1:\d+\/v1\/orders\?status=all&updated_since=2024-01-01T00:00:00Z: \{"error":"token Bearer \*{8} is not valid"\}$/);
    const check = await platform.checkSource('shop');
    expect(check).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 401') });
    const details = await platform.getSource('shop');
    const everything = JSON.stringify({ result, events, check, details, history: fs.readFileSync(path.join(project.dir, '.dango', 'history', 'shop.jsonl'), 'utf8') });
    expect(everything).not.toContain(TOKEN);
    expect(await rows(platform, "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE schema_name = 'raw_shop'")).toEqual([{ n: 0 }]);
  });

  it('checks a source with one request and lists the first resource\'s columns', async () => {
    api = await startFakeApi(shopHandler([order(1, '2024-02-01T00:00:00Z'), order(2, '2024-02-02T00:00:00Z'), order(3, '2024-02-03T00:00:00Z')]));
    await open(shopConfig(api.url));
    const check = await platform.checkSource('shop');
    expect(check.ok).toBe(true);
    expect(check.tables.map((t) => t.name)).toEqual(['orders', 'order_items']);
    expect(check.tables[0]!.columns).toContainEqual({ name: 'customer__address__city', type: 'VARCHAR' });
    expect(api.requests).toHaveLength(1);
  });

  it('refuses unknown keys and a merge without a primary key, naming the path', async () => {
    api = await startFakeApi(() => ({ body: [] }));
    const config = shopConfig(api.url) as Record<string, any>;
    config.client.retries = 3;
    config.resources[1].write_disposition = 'merge';
    await expect(open(config)).rejects.toThrow(/sources\[0\]\.rest_api\.client.*retries[\s\S]*sources\[0\]\.rest_api\.resources\[1\]\.write_disposition: merge needs a primary_key|sources\[0\]\.rest_api\.resources\[1\]\.write_disposition: merge needs a primary_key[\s\S]*retries/);
  });

  it('learns columns while paging: later columns, widened types, quoted text, and an empty resource', async () => {
    const pages: Record<string, unknown[]> = {
      '1': [{ id: 1, a: 'line one\nline "two", end' }, { id: 2 }],
      '2': [{ id: 3, a: 7, b: 1.5, c: { d: true } }],
      '3': [],
    };
    api = await startFakeApi((req) => (req.url.pathname === '/empty' ? { body: { data: [] } } : { body: { data: pages[req.url.searchParams.get('page')!] } }));
    await open({
      client: { base_url: api.url, paginator: { type: 'page_number' } },
      resources: [{ name: 'things', endpoint: 'things' }, { name: 'nothing', endpoint: 'empty' }],
    });
    expect(await platform.sync('shop')).toMatchObject({ status: 'success', rows_processed: 3 });
    expect(await rows(platform, 'SELECT id, a, b, c__d FROM raw_shop.things ORDER BY id')).toEqual([
      { id: 1, a: 'line one\nline "two", end', b: null, c__d: null },
      { id: 2, a: null, b: null, c__d: null },
      { id: 3, a: '7', b: 1.5, c__d: true },
    ]);
    expect(await rows(platform, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw_shop' ORDER BY 1")).toEqual([{ table_name: 'things' }]);
  });

  it('refuses an unset secret naming the variable', async () => {
    api = await startFakeApi(() => ({ body: [] }));
    await open(shopConfig(api.url), '');
    const result = await platform.sync('shop');
    expect(result.error_message).toMatch(/Environment variable SHOP_TOKEN \(named by shop\.rest_api\.client\.auth\.token_env\) is not set/);
    expect(api.requests).toHaveLength(0);
  });
});
