import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNodeListener, DangoPlatform, initProject, type MountOptions } from '../../core/src/index';

/** The flags Debian's chromium needs in containers and CI (see DESIGN.md section 10). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches the system chromium headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** `rows` lines of sales data plus a header. */
export function salesCsv(rows: number, firstId = 1): string {
  const lines = ['id,region,amount'];
  for (let i = 0; i < rows; i++) lines.push(`${firstId + i},${['north', 'south', 'east'][i % 3]},${(i * 7.5).toFixed(2)}`);
  return `${lines.join('\n')}\n`;
}

/** A project with a CSV source `sales` (one file of 10 rows) and a model `region_totals` over it. */
export async function makeDashboardProject(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-ui-'));
  await initProject(dir, { name: 'ui-shop', organization: 'Browser Co' });
  fs.writeFileSync(path.join(dir, '.dango/sources.yml'), 'sources:\n  - name: sales\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/sales\n      file_pattern: "*.csv"\n');
  fs.mkdirSync(path.join(dir, 'data/uploads/sales'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data/uploads/sales/seed.csv'), salesCsv(10));
  fs.writeFileSync(path.join(dir, 'dbt/models/marts/region_totals.sql'), "select * from (values ('north', 1), ('south', 2)) as t(region, total)\n");
  return dir;
}

/** A platform served with the dashboard on a real server; `requests` records every answer's method, path and status. */
export interface DashboardServer {
  base: string;
  platform: DangoPlatform;
  requests: { method: string; url: string; status: number; origin?: string }[];
  close(): Promise<void>;
}

/** Opens a platform on `dir` and serves it (dashboard on) on 127.0.0.1:0; `before` may answer a request first (a token login). */
export async function serveDashboard(dir: string, mount: MountOptions = {}, before?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): Promise<DashboardServer> {
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'data/warehouse.duckdb') });
  const node = createNodeListener(platform, { ui: true, ...mount });
  const requests: DashboardServer['requests'] = [];
  const server = http.createServer((req, res) => {
    res.on('finish', () => requests.push({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode, origin: req.headers.origin }));
    if (!before?.(req, res)) node.listener(req, res);
  });
  node.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount.prefix ?? ''}`,
    platform,
    requests,
    async close() {
      await node.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await platform.close();
    },
  };
}

/** Opens a page and collects console errors, CSP violations and failed requests. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(url);
  return { page, problems };
}
