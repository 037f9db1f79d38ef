// Regenerates the README's dashboard screenshots from the demo project with the same headless chromium
// the browser tests use: `npm run screenshots -w @dango/ui` writes docs/screenshots/*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, serveDashboard } from './browser-env';
import { ensureUiBuilt } from './ensure-built';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(REPO, 'docs', 'screenshots');

/** The demo project in a temp folder, with its sales files held back so they can arrive one sync at a time. */
function demoCopy(): { dir: string; held: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-shots-'));
  fs.cpSync(path.join(REPO, 'examples/demo'), dir, { recursive: true, filter: (src) => !/\.duckdb(\.wal)?$|[\\/]\.dango[\\/](logs|history|state|server\.json)|[\\/]dbt[\\/]target|node_modules/.test(src) });
  const sales = path.join(dir, 'data/uploads/sales');
  const files = fs.readdirSync(sales).sort();
  const holdDir = path.join(dir, 'held');
  fs.mkdirSync(holdDir);
  for (const f of files.slice(1)) fs.renameSync(path.join(sales, f), path.join(holdDir, f));
  return { dir, held: files.slice(1).map((f) => path.join(holdDir, f)) };
}

async function main(): Promise<void> {
  ensureUiBuilt();
  const { dir, held } = demoCopy();
  const server = await serveDashboard(dir);
  const browser = await launchBrowser();
  try {
    // A few syncs, each with one more month of orders, give the history chart something to draw.
    await server.platform.sync('crm');
    await server.platform.sync('sales_data');
    for (const file of held) {
      fs.renameSync(file, path.join(dir, 'data/uploads/sales', path.basename(file)));
      await server.platform.sync('sales_data');
    }
    await server.platform.build();
    fs.mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const shots: [file: string, route: string, ready: string][] = [
      ['overview.png', '', '.source-chips li'],
      ['source-page.png', 'sources/sales_data', '[data-testid="history-chart"] canvas'],
      ['model-page.png', 'models/customer_metrics', '[data-testid="lineage"]'],
    ];
    for (const [file, route, ready] of shots) {
      await page.goto(`${server.base}/${route}`);
      await page.locator(ready).first().waitFor();
      await page.locator('.live[data-live="connected"]').waitFor();
      await page.screenshot({ path: path.join(OUT, file) });
      console.log(`wrote docs/screenshots/${file}`);
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
