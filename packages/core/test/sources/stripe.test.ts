import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/node/node-listener';
import type { DangoEventMap } from '../../src/events';
import type { DangoPlatform } from '../../src/platform';
import { recordEvents, rows, type TestProject } from './helpers';
import { STRIPE_KEY, startFakeStripe, stripeObjects, type FakeStripe } from './fake-stripe';
import { createSourcesProject } from './rows-helpers';
import { nextEvent } from './sql-helpers';

let stripe: FakeStripe;
let project: TestProject;
let platform: DangoPlatform;

afterEach(async () => {
  await project?.close();
  await stripe?.close();
});

async function open(extra: Record<string, unknown> = {}, key = STRIPE_KEY): Promise<DangoPlatform> {
  project = await createSourcesProject([
    {
      name: 'stripe_payments',
      type: 'stripe',
      enabled: true,
      stripe: { stripe_secret_key_env: 'STRIPE_API_KEY', endpoints: ['charges', 'customers'], api_base: stripe.url, retry_backoff_seconds: 0.01, ...extra },
    },
  ], `STRIPE_API_KEY=${key}\n`);
  platform = await project.open();
  return platform;
}

const paths = () => stripe.requests.map((r) => `${r.url.pathname}${r.url.search}`);

describe('stripe source', () => {
  it('pages through list endpoints, retries 429 (Retry-After) and 500, and merges new objects on the next sync', async () => {
    stripe = await startFakeStripe({ charges: stripeObjects('charge', 250), customers: stripeObjects('customer', 3) });
    stripe.faults.push({ path: '/v1/charges', answer: { status: 500, body: { error: { message: 'An unknown error occurred', type: 'api_error' } } } });
    stripe.faults.push({ path: '/v1/customers', answer: { status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Too many requests', type: 'rate_limit_error' } } } });
    await open();
    const progress = recordEvents(platform, ['sync_progress']) as Array<DangoEventMap['sync_progress']>;
    expect(await platform.sync('stripe_payments')).toMatchObject({ status: 'success', rows_processed: 253 });
    // Running counts (step 'reading') come between a table's first and last step; their last one is the total.
    expect(progress.filter((e) => e.step !== 'reading').map((e) => e.message)).toEqual(['Reading charges', 'Read charges', 'Reading customers', 'Read customers', 'Loaded charges: 250 rows', 'Loaded customers: 3 rows']);
    expect(progress.filter((e) => e.step === 'reading').map((e) => e.message).at(-1)).toBe('Reading customers: 3 rows');
    expect(progress.filter((e) => e.step === 'reading' && e.message.startsWith('Reading charges')).at(-1)).toMatchObject({ rows: 250, bytes: expect.any(Number) });
    expect(paths()).toEqual([
      '/v1/charges?limit=100&created%5Bgte%5D=0',
      '/v1/charges?limit=100&created%5Bgte%5D=0',
      '/v1/charges?limit=100&created%5Bgte%5D=0&starting_after=cha_00151',
      '/v1/charges?limit=100&created%5Bgte%5D=0&starting_after=cha_00051',
      '/v1/customers?limit=100&created%5Bgte%5D=0',
      '/v1/customers?limit=100&created%5Bgte%5D=0',
    ]);
    const customers = stripe.requests.filter((r) => r.url.pathname === '/v1/customers');
    expect(customers).toHaveLength(2);
    expect([...stripe.versions]).toEqual(['2024-06-20']);
    expect(await rows(platform, 'SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, max(created)::BIGINT AS last FROM raw_stripe_payments.charges')).toEqual([{ n: 250, ids: 250, last: 1_704_067_200 + 249 * 86_400 }]);
    expect(await rows(platform, "SELECT metadata__order, billing_details__address__city FROM raw_stripe_payments.customers WHERE id = 'cus_00002'")).toEqual([{ metadata__order: 'o2', billing_details__address__city: 'Berlin' }]);

    // A new charge, and the newest one changed: the next sync asks from the stored `created` and merges on id.
    const last = stripe.data.charges![249]!;
    stripe.data.charges![249] = { ...last, amount: 1 };
    stripe.data.charges!.push({ ...last, id: 'ch_new', created: last.created + 10 });
    stripe.requests.length = 0;
    expect(await platform.sync('stripe_payments')).toMatchObject({ status: 'success', rows_processed: 3 });
    expect(paths()[0]).toBe(`/v1/charges?limit=100&created%5Bgte%5D=${last.created}`);
    expect(await rows(platform, `SELECT count(*)::INTEGER AS n, sum(CASE WHEN id = '${last.id}' THEN amount END)::INTEGER AS changed FROM raw_stripe_payments.charges`)).toEqual([{ n: 251, changed: 1 }]);
  });

  it('waits as long as Retry-After asks', async () => {
    stripe = await startFakeStripe({ charges: stripeObjects('charge', 1), customers: [] });
    stripe.faults.push({ path: '/v1/charges', answer: { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down', type: 'rate_limit_error' } } } });
    await open({ retry_backoff_seconds: 0 });
    const times: number[] = [];
    stripe.requests.push = (...items) => {
      times.push(Date.now());
      return Array.prototype.push.apply(stripe.requests, items);
    };
    expect(await platform.sync('stripe_payments')).toMatchObject({ status: 'success', rows_processed: 1 });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('surfaces a refused key as a clear sync error without the key', async () => {
    stripe = await startFakeStripe({ charges: [], customers: [] });
    await open({}, 'sk_test_WRONGkey9876543210');
    const events = recordEvents(platform, ['sync_failed', 'log', 'sync_progress']);
    const result = await platform.sync('stripe_payments');
    expect(result.status).toBe('failed');
    expect(result.error_message).toMatch(/^Stripe refused the API key \(401\): Invalid API Key provided: \*{8} \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/charges\?limit=100&created\[gte\]=0\)$/);
    const check = await platform.checkSource('stripe_payments');
    expect(check.error).toContain('Stripe refused the API key (401)');
    const history = fs.readFileSync(path.join(project.dir, '.dango', 'history', 'stripe_payments.jsonl'), 'utf8');
    expect(JSON.stringify({ result, events, check, history, details: await platform.getSource('stripe_payments') })).not.toContain('WRONGkey');
  });

  it('gives up after max_retries naming the status, the URL and the body', async () => {
    stripe = await startFakeStripe({ charges: [], customers: [] });
    for (let i = 0; i < 3; i++) stripe.faults.push({ path: '/v1/charges', answer: { status: 503, text: '<html>upstream down</html>' } });
    await open({ max_retries: 2 });
    const result = await platform.sync('stripe_payments');
    expect(result.error_message).toMatch(/^HTTP 503 from GET http:\/\/127\.0\.0\.1:\d+\/v1\/charges\?limit=100&created\[gte\]=0 after 3 attempts: <html>upstream down<\/html>$/);
    expect(stripe.requests).toHaveLength(3);
  });

  it('serves the API reference example: GET /api/sources after a sync started with start_date/end_date over HTTP', async () => {
    stripe = await startFakeStripe({ charges: stripeObjects('charge', 40), customers: stripeObjects('customer', 5) });
    await open();
    const node = createNodeListener(platform, {});
    const server = http.createServer(node.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const done = nextEvent(platform, 'sync_completed', (e) => e.source === 'stripe_payments');
      const res = await fetch(`${base}/api/sources/stripe_payments/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ full_refresh: false, start_date: '2024-01-03', end_date: '2024-01-12' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ success: true, source_name: 'stripe_payments' });
      await done;
      const start = 1_704_067_200 + 2 * 86_400;
      expect(paths()[0]).toBe(`/v1/charges?limit=100&created%5Bgte%5D=${start}&created%5Blte%5D=${start + 10 * 86_400 - 1}`);
      const list = (await (await fetch(`${base}/api/sources`)).json()) as Array<Record<string, unknown>>;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        name: 'stripe_payments',
        type: 'stripe',
        enabled: true,
        row_count: 13,
        status: 'synced',
        tables: [
          { name: 'charges', row_count: 10, schema: 'raw_stripe_payments' },
          { name: 'customers', row_count: 3, schema: 'raw_stripe_payments' },
        ],
      });
    } finally {
      await node.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
