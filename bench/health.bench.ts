import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DangoPlatform } from '@dango/core';
import { HealthService } from '../packages/core/src/health/health-service';
import { ensureCsv } from './lib/csv-data';

// `platform.health()` latency on the demo project, idle and while a big sync holds the write queue.
// Target (issue 5): under 100 ms. Run: `npm run bench:health -w bench`.

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEMO = path.join(HERE, '..', 'examples', 'demo');
const BULK_ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const IDLE_CALLS = 200;
const BUSY_ROUNDS = 3;
const TARGET_MS = 100;

/** Runtime state of the demo that a fresh copy must not inherit. */
const SKIP = [/^data\/warehouse\.duckdb/, /^\.dango\/(history|logs|state)\b/, /^\.dango\/server\.json$/, /^dbt\/(target|logs)\b/, /^node_modules\b/];

function copyDemo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-health-'));
  fs.cpSync(DEMO, dir, {
    recursive: true,
    filter: (src) => !SKIP.some((re) => re.test(path.relative(DEMO, src).split(path.sep).join('/'))),
  });
  return dir;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(label: string, samples: number[]): string {
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `${label.padEnd(34)} n=${String(samples.length).padStart(4)}  median ${f(percentile(samples, 50)).padStart(9)}  p95 ${f(percentile(samples, 95)).padStart(9)}  max ${f(Math.max(...samples)).padStart(9)}`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const bulkDir = path.join(HERE, '.data', 'health-bulk');
  await ensureCsv(path.join(bulkDir, 'bulk.csv'), BULK_ROWS);
  const dir = copyDemo();
  fs.appendFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    `  - name: bulk\n    type: csv\n    enabled: true\n    csv:\n      directory: ${JSON.stringify(bulkDir)}\n      file_pattern: "*.csv"\n`,
  );
  const platform = await DangoPlatform.open({ projectDir: dir });
  try {
    for (const source of ['sales_data', 'crm']) {
      const r = await platform.sync(source);
      if (r.status !== 'success') throw new Error(`demo sync of ${source} failed: ${r.error_message}`);
    }
    // build = seeds + models + tests, so the marts exist as a user of the demo would have them.
    const built = await platform.build();
    const models = `${built.results.filter((r) => r.resource_type === 'model').length} models built (${built.counts.error} errors)`;
    const report = await platform.health();
    console.log(`health warnings before the bulk load: ${JSON.stringify(report.warnings)}`);
    console.log(`demo project: ${report.database.tables} tables (${report.database.raw_tables} raw, ${report.database.staging_tables} staging, ${report.database.marts_tables} marts), ${models}, status ${report.status}`);

    for (let i = 0; i < 20; i++) await platform.health(); // warm-up: reader connections, file caches
    const idle: number[] = [];
    for (let i = 0; i < IDLE_CALLS; i++) idle.push(await timed(() => platform.health()));
    // Worst case: no model cache, so every call parses the dbt project (as right after each dbt run).
    const uncachedService = new HealthService(platform.context, { listModels: () => platform.listModels() }, { modelCacheMs: 0 });
    const uncached: number[] = [];
    for (let i = 0; i < IDLE_CALLS; i++) uncached.push(await timed(() => uncachedService.health()));
    const status: number[] = [];
    for (let i = 0; i < IDLE_CALLS; i++) status.push(await timed(() => platform.status()));

    // While a 1M-row load holds the write queue: only samples that started and ended with the load queued count.
    const busy: number[] = [];
    for (let round = 0; round < BUSY_ROUNDS; round++) {
      const sync = platform.startSync('bulk', { fullRefresh: true });
      let finished = false;
      void sync.done.then(() => (finished = true));
      while (!finished) {
        if (platform.warehouse.pendingWrites === 0) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        const ms = await timed(() => platform.health());
        if (platform.warehouse.pendingWrites > 0) busy.push(ms);
      }
      const r = await sync.done;
      if (r.status !== 'success') throw new Error(`bulk sync failed: ${r.error_message}`);
    }

    console.log(summary('health() idle', idle));
    console.log(summary('health() idle, no model cache', uncached));
    console.log(summary(`health() during ${BULK_ROWS.toLocaleString('en')}-row sync`, busy));
    console.log(summary('status() idle (probes cached)', status));
    const worst = Math.max(percentile(idle, 95), percentile(uncached, 95), busy.length ? percentile(busy, 95) : 0);
    console.log(`p95 ${worst.toFixed(1)} ms vs target < ${TARGET_MS} ms: ${worst < TARGET_MS ? 'OK' : 'OVER TARGET'}`);
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
