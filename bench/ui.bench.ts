// Dashboard budgets (DESIGN.md section 8), printed, never asserted: the gzipped size of the JavaScript
// the first page load needs, and how fast the overview of a project with 100 sources and 500 models
// renders and answers input in headless chromium.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureUiBuilt } from '../packages/ui/scripts/ensure-built';
import { launchBrowser, salesCsv, serveDashboard } from '../packages/ui/scripts/browser-env';
import { initProject } from '../packages/core/src/index';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 100);
const MODELS = Number(process.env.BENCH_MODELS ?? 500);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The scripts index.html loads at once (the entry and its static imports), gzipped. */
function initialJs(dist: string): { files: string[]; raw: number; gzip: number } {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.\/([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(dist, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

/** A project with `SOURCES` CSV sources (one small file each, synced) and a chain-shaped DAG of `MODELS` models. */
async function bigProject(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'dango-ui-bench-'));
  await initProject(dir, { name: 'ui-bench', organization: 'Bench Co' });
  const lines = ['sources:'];
  for (let i = 0; i < SOURCES; i++) {
    const name = `src_${String(i).padStart(3, '0')}`;
    lines.push(`  - name: ${name}`, '    type: csv', '    enabled: true', '    csv:', `      directory: data/uploads/${name}`, '      file_pattern: "*.csv"');
    fs.mkdirSync(path.join(dir, 'data/uploads', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data/uploads', name, 'data.csv'), salesCsv(20 + i));
  }
  fs.writeFileSync(path.join(dir, '.dango/sources.yml'), `${lines.join('\n')}\n`);
  const models = path.join(dir, 'dbt/models/marts');
  for (let i = 0; i < MODELS; i++) {
    const sql = i < 10 ? `select ${i} as id, 'm${i}' as label` : `select id + 1 as id, label from {{ ref('m_${String(i - 10).padStart(3, '0')}') }}`;
    fs.writeFileSync(path.join(models, `m_${String(i).padStart(3, '0')}.sql`), `${sql}\n`);
  }
  return dir;
}

async function main(): Promise<void> {
  const dist = ensureUiBuilt();
  const js = initialJs(dist);
  console.log(`initial JS: ${js.files.join(', ')}: ${(js.raw / 1024).toFixed(1)} KB raw, ${(js.gzip / 1024).toFixed(1)} KB gzip (budget < 200 KB gzip)`);

  const dir = await bigProject();
  const server = await serveDashboard(dir);
  const browser = await launchBrowser();
  try {
    for (let i = 0; i < SOURCES; i++) await server.platform.sync(`src_${String(i).padStart(3, '0')}`);
    // The page's CSP forbids eval, so the waits are functions (Playwright serialises them), not strings.
    type Doc = { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>; querySelector(s: string): unknown };
    const now = () => (globalThis as unknown as { performance: { now(): number } }).performance.now();
    // Each synced source adds its generated staging model to the user's models.
    const modelCount = (await server.platform.listModels()).length;
    // The overview waits for these answers; their time is the server's share of the figure below.
    for (const endpoint of ['config', 'status', 'health/platform', 'sources', 'dbt/models']) {
      const started = performance.now();
      await (await fetch(`${server.base}/api/${endpoint}`)).text();
      console.log(`  GET /api/${endpoint}: ${(performance.now() - started).toFixed(0)} ms`);
    }
    const rendered: number[] = [];
    const interactive: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.base}/`, { waitUntil: 'commit' });
      await page.waitForFunction(
        ({ sources, models }) => {
          const d = (globalThis as unknown as { document: Doc }).document;
          const v = Array.from(d.querySelectorAll('.stat-value')).map((e) => e.textContent);
          return v[0] === String(sources) && v[2] === String(models) && v[1] !== '—' && d.querySelector('.live[data-live="connected"]') !== null;
        },
        { sources: SOURCES, models: modelCount },
        { polling: 'raf', timeout: 60_000 },
      ).catch(async (err: unknown) => {
        throw new Error(`the overview never showed every figure (counters: ${(await page.locator('.stat-value').allTextContents()).join(' | ')}; ${await page.locator('.live').textContent()}): ${String(err)}`);
      });
      const shown = await page.evaluate(now);
      if (round === 0) console.log(`  counters: ${(await page.locator('.stat-value').allTextContents()).join(' | ')}`);
      // Interactive: the main thread takes a click on Sources and renders the table of every source.
      await page.getByRole('link', { name: 'Sources', exact: true }).click();
      await page.waitForFunction((n) => (globalThis as unknown as { document: Doc }).document.querySelectorAll('.sources-table tbody tr').length === n, SOURCES, { polling: 'raf' });
      const answered = await page.evaluate(now);
      if (round > 0) {
        rendered.push(shown);
        interactive.push(answered);
      }
      await context.close();
    }
    console.log(`overview of ${SOURCES} sources and ${modelCount} models (${MODELS} + staging), ${ROUNDS} rounds after a warm-up (cold page each, same server):`);
    console.log(`  rendered with all counters and live: median ${median(rendered).toFixed(0)} ms (${rendered.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  + click to the full sources table:   median ${median(interactive).toFixed(0)} ms (${interactive.map((t) => t.toFixed(0)).join(', ')}) (budget < 1000 ms)`);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
