import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs } from '../../src/transform/docs-site/serve-docs';

const FIXTURE_TARGET = fileURLToPath(new URL('./fixtures/docs-target', import.meta.url));
const PREFIX = '/dango';

let browser: Browser;
let server: http.Server;
let base: string;
let emptyTarget: string;
const targetFor: Record<string, string> = {};

/** A host app mounting the docs at /dango the way core's HTTP mount does: /dbt-docs/* plus root-level artifacts. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const [, project, ...rest] = url.pathname.slice(PREFIX.length).split('/');
  const target = targetFor[project ?? ''];
  const sub = `/${rest.join('/')}`;
  const subPath = sub.startsWith('/dbt-docs') ? sub.slice('/dbt-docs'.length) : sub === '/manifest.json' || sub === '/catalog.json' ? sub : null;
  if (!url.pathname.startsWith(`${PREFIX}/`) || !target || subPath === null) {
    res.writeHead(404).end('host 404');
    return;
  }
  serveDocs(target, subPath).then(
    (out) => (out ? res.writeHead(out.status, out.headers).end(out.body) : res.writeHead(404).end('host 404')),
    (err: unknown) => res.writeHead(500).end(String(err)),
  );
}

async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('requestfailed', (req) => problems.push(`failed: ${req.url()}`));
  await page.goto(url);
  return { page, problems };
}

beforeAll(async () => {
  emptyTarget = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  targetFor.shop = FIXTURE_TARGET;
  targetFor.fresh = emptyTarget;
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  fs.rmSync(emptyTarget, { recursive: true, force: true });
});

describe('built-in dbt docs site in a real browser', () => {
  it('lists models by folder and schema, and filters them by name, description or column', async () => {
    const { page, problems } = await openPage(`${base}/shop/dbt-docs`);
    expect(page.url()).toBe(`${base}/shop/dbt-docs/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#project-name')).toBe('shop');

    const groups = () => page.$$eval('.tree .group', (els) => els.map((g) => ({
      name: g.querySelector('.group-name')?.textContent,
      items: [...g.querySelectorAll('.tree-link')].map((a) => a.textContent),
    })));
    expect(await groups()).toEqual([
      { name: 'models/marts', items: ['customers', 'daily_revenue', 'order_summary'] },
      { name: 'models/staging', items: ['stg_sales_orders'] },
      { name: 'seeds', items: ['country_codes'] },
      { name: 'sources/sales', items: ['sales.orders'] },
    ]);
    await page.click('[data-group="schema"]');
    expect((await groups()).map((g) => g.name)).toEqual(['warehouse.main', 'warehouse.marts', 'warehouse.raw_sales', 'warehouse.staging']);

    await page.fill('#search', 'country_name');
    expect((await groups()).flatMap((g) => g.items)).toEqual(['country_codes', 'customers']);
    await page.fill('#search', 'revenue');
    expect((await groups()).flatMap((g) => g.items)).toEqual(['daily_revenue']);
    await page.fill('#search', 'zzz-nothing');
    expect(await page.textContent('.tree')).toContain('No matches for “zzz-nothing”');

    // The overview draws the whole project graph: 6 nodes, 6 edges.
    expect(await page.$$eval('svg.lineage .lineage-node', (els) => els.length)).toBe(6);
    expect(await page.$$eval('svg.lineage .lineage-edge', (els) => els.length)).toBe(6);
    expect(await page.$$eval('table.models tbody tr', (rows) => rows.map((r) => r.querySelector('td')?.textContent))).toEqual([
      'customers', 'daily_revenue', 'order_summary', 'stg_sales_orders',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a model's description, typed columns, tests, SQL and layered lineage", async () => {
    const { page, problems } = await openPage(`${base}/shop/dbt-docs/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('.tree-link[data-id="model.shop.order_summary"]');
    await page.waitForSelector('.page.node h1');
    expect(await page.textContent('.page.node h1')).toBe('order_summary');
    expect(page.url()).toContain('#/node/model.shop.order_summary');
    expect(await page.textContent('.description')).toBe('Orders with customer attributes, ready for reporting.');
    expect(await page.textContent('.meta')).toContain('warehouse.marts.order_summary');
    expect(await page.textContent('.meta')).toContain('1,234 rows');

    const columns = await page.$$eval('table.columns tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)));
    expect(columns).toEqual([
      ['order_id', 'INTEGER', 'Order key.'],
      ['customer_id', 'INTEGER', 'References customers.'],
      ['is_placed', 'BOOLEAN', ''],
      ['is_shipped', 'BOOLEAN', ''],
    ]);
    expect(await page.textContent('ul.tests')).toContain('relationships → customers.customer_id');

    expect(await page.textContent('pre.sql')).toContain("{% set statuses = ['placed', 'shipped'] %}");
    await page.click('.tab[data-tab="compiled"]');
    expect(await page.textContent('pre.sql')).toContain('join "warehouse"."marts"."customers" using (customer_id)');

    // Lineage: every ancestor and descendant, one layer per depth, edges into the focus highlighted.
    const boxes = await page.$$eval('svg.lineage .lineage-node', (els) => Object.fromEntries(els.map((g) => {
      const rect = g.querySelector('rect')!;
      return [g.getAttribute('data-id'), Number(rect.getAttribute('x'))];
    })));
    expect(Object.keys(boxes).sort()).toEqual([
      'model.shop.customers', 'model.shop.daily_revenue', 'model.shop.order_summary', 'model.shop.stg_sales_orders', 'seed.shop.country_codes', 'source.shop.sales.orders',
    ]);
    const x = (id: string) => boxes[id]!;
    // The seed sits right before its only consumer instead of in the first column.
    expect(x('seed.shop.country_codes')).toBe(x('model.shop.stg_sales_orders'));
    expect(x('source.shop.sales.orders')).toBeLessThan(x('model.shop.stg_sales_orders'));
    expect(x('model.shop.stg_sales_orders')).toBeLessThan(x('model.shop.customers'));
    expect(x('model.shop.customers')).toBeLessThan(x('model.shop.order_summary'));
    expect(x('model.shop.order_summary')).toBeLessThan(x('model.shop.daily_revenue'));
    expect(await page.$$eval('svg.lineage .lineage-edge.active', (els) => els.map((e) => e.getAttribute('data-from')).sort())).toEqual([
      'model.shop.customers', 'model.shop.order_summary', 'model.shop.stg_sales_orders',
    ]);
    expect(await page.getAttribute('svg.lineage .lineage-node.focus', 'data-id')).toBe('model.shop.order_summary');
    // The edge that skips the customers layer runs through a slot in that layer instead of under its box.
    const longEdge = await page.getAttribute('svg.lineage .lineage-edge[data-from="model.shop.stg_sales_orders"][data-to="model.shop.order_summary"]', 'd');
    expect(longEdge).toMatch(/ L[\d.]+,[\d.]+ C/);

    const shot = path.join(os.tmpdir(), 'dango-docs-site.png');
    // The main pane scrolls on its own, so a tall viewport is what captures the whole page.
    await page.setViewportSize({ width: 1360, height: 1500 });
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

    // Navigating through the graph: clicking a lineage box opens that node.
    await page.click('svg.lineage .lineage-node[data-id="source.shop.sales.orders"]');
    await page.locator('.page.node h1', { hasText: 'sales.orders' }).waitFor();
    const sourceCols = await page.$$eval('table.columns tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(sourceCols).toContain('_dango_loaded_at');
    expect(await page.$('pre.sql')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('explains how to generate docs when there are no artifacts yet', async () => {
    const { page, problems } = await openPage(`${base}/fresh/dbt-docs/`);
    expect(await page.textContent('h1')).toBe('No docs generated yet — run dango docs generate');
    const res = await page.request.get(`${base}/fresh/manifest.json`);
    expect(res.status()).toBe(404);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows an unknown node id as not found instead of failing', async () => {
    const { page, problems } = await openPage(`${base}/shop/dbt-docs/#/node/model.shop.nope`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('.page h1')).toBe('Not found');
    expect(problems).toEqual([]);
    await page.close();
  });
});
