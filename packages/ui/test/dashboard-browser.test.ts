import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuthorizer, tokenLogin } from '@dango/core';
import { launchBrowser, makeDashboardProject, openPage, salesCsv, serveDashboard, type DashboardServer } from '../scripts/browser-env';

let browser: Browser;
let dir: string;
let dango: DashboardServer;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await makeDashboardProject();
  dango = await serveDashboard(dir, { prefix: '/dango' });
  expect((await dango.platform.sync('sales')).status).toBe('success');
});

afterAll(async () => {
  await browser?.close();
  await dango?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Holds the warehouse's write queue so a sync started meanwhile provably stays `syncing`. */
function holdWrites(): () => Promise<void> {
  let open: () => void = () => undefined;
  const held = dango.platform.warehouse.write(() => new Promise<void>((resolve) => (open = resolve)));
  return async () => {
    open();
    await held;
  };
}

describe('the dashboard in a real browser', () => {
  it('opens the overview of a project with data: identity, counters, services, live dot, no CSP violation', async () => {
    const { page, problems } = await openPage(browser, `${dango.base}/`);
    await page.getByRole('heading', { level: 1, name: 'ui-shop' }).waitFor();
    await page.getByText('Browser Co').waitFor();
    await page.locator('[data-testid="total-rows"]', { hasText: '10' }).waitFor();
    await page.locator('.live[data-live="connected"]').waitFor();
    await page.locator('.card', { hasText: 'DuckDB' }).getByText('healthy').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('deep links load under the prefix, and keyboard navigation moves between pages', async () => {
    const { page, problems } = await openPage(browser, `${dango.base}/sources/sales`);
    await page.getByRole('heading', { level: 1, name: /sales/ }).waitFor();
    await page.getByRole('link', { name: 'Models' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dango.base}/models`);
    await page.locator('tr[data-model="region_totals"]').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('uploads CSVs through the page (several at once) and lists them; a duplicate gets a readable 409', async () => {
    const { page } = await openPage(browser, `${dango.base}/sources/sales`);
    await page.locator('[data-testid="dropzone"]').waitFor();
    await page.locator('[data-testid="file-input"]').setInputFiles([
      { name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(salesCsv(5, 100)) },
      { name: 'extra.csv', mimeType: 'text/csv', buffer: Buffer.from(salesCsv(3, 200)) },
    ]);
    await page.locator('tr[data-file="more.csv"]').waitFor();
    await page.locator('tr[data-file="extra.csv"]').waitFor();
    expect(fs.existsSync(path.join(dir, 'data/uploads/sales/more.csv'))).toBe(true);
    // Uploads sync; the new rows show up live.
    await page.locator('[data-testid="source-rows"]', { hasText: '18' }).waitFor();
    await page.locator('[data-testid="file-input"]').setInputFiles([{ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from(salesCsv(1)) }]);
    await page.locator('.upload-failed', { hasText: 'more.csv already exists' }).waitFor();
    await page.close();
  });

  it('Sync now shows syncing live, then synced with the new row count', async () => {
    const { page } = await openPage(browser, `${dango.base}/sources`);
    const row = page.locator('tr[data-source="sales"]');
    await row.locator('[data-col="rows"]').waitFor();
    const before = Number((await row.locator('[data-col="rows"]').textContent())!.replace(/,/g, ''));
    fs.writeFileSync(path.join(dir, 'data/uploads/sales/dropped.csv'), salesCsv(7, 300));
    const release = holdWrites();
    await page.getByRole('button', { name: 'Sync now sales' }).click();
    await row.locator('[data-col="status"]', { hasText: 'syncing' }).waitFor();
    await release();
    await row.locator('[data-col="status"]', { hasText: 'synced' }).waitFor();
    await row.locator('[data-col="rows"]', { hasText: String(before + 7) }).waitFor();
    await page.close();
  });

  it('runs a model and shows its status', async () => {
    const { page } = await openPage(browser, `${dango.base}/models`);
    const row = page.locator('tr[data-model="region_totals"]');
    await row.locator('[data-col="status"]', { hasText: 'not run' }).waitFor();
    await page.getByRole('button', { name: 'Run region_totals', exact: true }).click();
    await row.locator('[data-col="status"]', { hasText: 'success' }).waitFor();
    // The last run's time and duration come from GET /api/dbt/models.
    await row.locator('[data-col="last-run"]', { hasText: 'ago' }).waitFor();
    const seconds = (await dango.platform.listModels()).find((m) => m.name === 'region_totals')!.execution_time;
    expect(seconds).toBeGreaterThanOrEqual(0);
    await row.locator('[data-col="duration"]', { hasText: / s$/ }).waitFor();
    await row.getByRole('link', { name: 'region_totals' }).click();
    await page.locator('[data-testid="model-sql"]', { hasText: "values ('north', 1)" }).waitFor();
    await page.getByRole('tab', { name: 'Compiled' }).click();
    await page.locator('[data-testid="model-sql"]', { hasText: "values ('north', 1)" }).waitFor();
    await page.getByRole('cell', { name: 'INTEGER' }).waitFor();
    await page.close();
  });

  it('filters the activity log by level and text', async () => {
    const { page } = await openPage(browser, `${dango.base}/activity`);
    const count = page.locator('[data-testid="log-count"]');
    await page.locator('.log-table tbody tr').first().waitFor();
    const all = Number((await count.textContent())!.split(' ')[0]);
    await page.getByLabel('Level').selectOption('SUCCESS');
    await page.locator('.log-table tbody tr').first().waitFor();
    expect(await page.locator('.log-table tbody tr:not([data-level="SUCCESS"])').count()).toBe(0);
    const success = Number((await count.textContent())!.split(' ')[0]);
    expect(success).toBeGreaterThan(0);
    expect(success).toBeLessThan(all);
    await page.getByLabel('Text').fill('no line says this');
    await page.getByText('No log lines match').waitFor();
    await page.close();
  });

  it('shows the sync history chart and table on the source page, also at phone width', async () => {
    const { page } = await openPage(browser, `${dango.base}/sources/sales`, { width: 390, height: 844 });
    await page.locator('[data-testid="history-chart"] canvas').waitFor();
    expect(await page.locator('.history-table tbody tr').count()).toBeGreaterThanOrEqual(2);
    // Nothing wider than the phone's screen but the scrollable tables.
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('browses the catalog: columns, a column profile and a preview', async () => {
    const { page } = await openPage(browser, `${dango.base}/catalog`);
    await page.getByRole('button', { name: 'sales', exact: true }).click();
    await page.locator('[data-testid="preview"] tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Profile region' }).click();
    await page.locator('[data-testid="profile"]', { hasText: 'north' }).waitFor();
    await page.close();
  });

  it('draws the whole lineage of a model as a graph, reachable by keyboard and scrollable at phone width', async () => {
    const table = (await dango.platform.listSources()).find((x) => x.name === 'sales')!.tables[0]!.name;
    const models = path.join(dir, 'dbt/models/marts');
    fs.writeFileSync(path.join(models, 'lin_base.sql'), `select region, amount from {{ source('sales', '${table}') }}\n`);
    fs.writeFileSync(path.join(models, 'lin_mid.sql'), "select region, sum(amount) as total from {{ ref('lin_base') }} group by 1\n");
    fs.writeFileSync(path.join(models, 'lin_top.sql'), "select * from {{ ref('lin_mid') }} order by total desc limit 1\n");
    const { page, problems } = await openPage(browser, `${dango.base}/models/lin_mid`, { width: 390, height: 844 });
    const graph = page.locator('[data-testid="lineage"]');
    // Two levels up (the source included) and one down, each in its own column, joined by three curves.
    await graph.locator(`[data-node="sales.${table}"][data-depth="-2"]`).waitFor();
    await graph.locator('[data-node="lin_base"][data-depth="-1"]').waitFor();
    await graph.locator('[data-node="lin_mid"][data-depth="0"] [aria-current="page"]').waitFor();
    await graph.locator('[data-node="lin_top"][data-depth="1"]').waitFor();
    expect(await graph.locator('path[data-edge]').count()).toBe(3);
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // Keyboard: focus the source's box and open its page.
    await graph.getByRole('link', { name: `sales.${table}` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dango.base}/sources/sales`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the dashboard against other sites and without the token', () => {
  it('a page of a foreign origin cannot start a sync or open /ws', async () => {
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(async (base) => {
        await fetch(`${base}/api/sources/sales/sync`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }).catch(() => null);
        const ws = await new Promise<string>((resolve) => {
          const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`);
          socket.onopen = () => resolve('open');
          socket.onerror = () => resolve('refused');
        });
        return { ws };
      }, dango.base);
      expect(outcome.ws).toBe('refused');
      const posts = dango.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/sources/sales/sync') && r.origin?.startsWith('http://localhost:'));
      expect(posts.map((r) => r.status)).toEqual([403]);
      await page.close();
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('a token mount answers 401 until the token logs the browser in, then the dashboard works live', async () => {
    const tokenDir = await makeDashboardProject();
    const guarded = await serveDashboard(tokenDir, { authorize: bearerTokenAuthorizer('s3cret') }, (req, res) => tokenLogin(req, res, 's3cret'));
    try {
      const page = await browser.newPage();
      const refused = await page.goto(`${guarded.base}/sources`);
      expect(refused?.status()).toBe(401);
      const wrong = await page.goto(`${guarded.base}/sources?token=nope`);
      expect(wrong?.status()).toBe(401);
      await page.goto(`${guarded.base}/sources?token=s3cret`);
      expect(page.url()).toBe(`${guarded.base}/sources`);
      await page.locator('tr[data-source="sales"]').waitFor();
      await page.locator('.live[data-live="connected"]').waitFor();
      await page.close();
    } finally {
      await guarded.close();
      fs.rmSync(tokenDir, { recursive: true, force: true });
    }
  });
});
