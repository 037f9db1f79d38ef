import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCsv, sqlString } from './lib/csv-data';
import { cpu, csvSource, fmt, interleave, openProject, ratios, show, timeBare, timeFreshSync, wall, type Timing } from './lib/db-bench';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PARTS = 20;
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data');

/** A: `platform.sync()` of the folder into a fresh project (open and close not timed). */
const timeSync = (directory: string): Promise<Timing> => timeFreshSync(csvSource(directory), ROWS, 'csv');

/**
 * B: bare `CREATE TABLE AS SELECT * FROM read_csv(...)` into a fresh file database; with `lineage`,
 * the same statement also writing the two lineage columns every Dango row carries (a reference that
 * shows what those columns cost on their own).
 */
function timeCtas(file: string, lineage = false): Promise<Timing> {
  const extra = lineage ? ', 1::INTEGER AS _dango_file_id, now() AS _dango_loaded_at' : '';
  return timeBare(async (conn) => {
    await conn.run(`CREATE TABLE t AS SELECT *${extra} FROM read_csv(${sqlString(file)})`);
  });
}

async function fullVsBare(): Promise<void> {
  // Another BENCH_ROWS (e.g. 10000000 for the 10M-row case) gets its own folder: the source reads the whole folder.
  const single = path.join(DATA, ROWS === 1_000_000 ? 'single' : `single_${ROWS}`);
  const file = await ensureCsv(path.join(single, ROWS === 1_000_000 ? 'sales_1m.csv' : `sales_${ROWS}.csv`), ROWS);
  console.log(`Case 1: ${ROWS.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${ROUNDS} interleaved rounds`);
  await timeCtas(file); // warm the page cache so neither side pays for the first disk read
  const a: Timing[] = [];
  const b: Timing[] = [];
  const c: Timing[] = [];
  const sides = [async () => a.push(await timeSync(single)), async () => b.push(await timeCtas(file)), async () => c.push(await timeCtas(file, true))];
  await interleave(ROUNDS, sides, (i) =>
    console.log(`  round ${i + 1}: platform.sync ${show(a.at(-1)!)}  bare CTAS ${show(b.at(-1)!)}  bare CTAS + lineage columns ${show(c.at(-1)!)}`),
  );
  console.log(`  platform.sync / bare CTAS: ${ratios(wall(a), wall(b))} (target <= 1.15); CPU time: ${ratios(cpu(a), cpu(b))}`);
  console.log(`  platform.sync / bare CTAS + lineage columns: ${ratios(wall(a), wall(c))}; CPU time: ${ratios(cpu(a), cpu(c))}`);
  console.log(`  bare CTAS + lineage columns / bare CTAS: ${ratios(wall(c), wall(b))}; CPU time: ${ratios(cpu(c), cpu(b))}`);
}

async function incrementalVsFull(): Promise<void> {
  const partsDir = path.join(DATA, 'parts');
  const per = Math.floor(ROWS / PARTS);
  for (let k = 0; k < PARTS; k++) await ensureCsv(path.join(partsDir, `part_${String(k).padStart(2, '0')}.csv`), per, { firstId: 1 + k * per });
  const variants = [0, 1].map((salt) => ensureCsv(path.join(DATA, `variant_${salt}.csv`), per, { firstId: 1, salt: salt + 1 }));
  const changed = path.join(partsDir, 'part_00.csv');
  const original = path.join(DATA, 'part_00.original.csv');
  if (!fs.existsSync(original)) fs.copyFileSync(changed, original);

  console.log(`Case 2: ${PARTS} files of ${per.toLocaleString('en-US')} rows, 1 changed per round, ${ROUNDS} interleaved rounds`);
  const { platform, close } = await openProject(csvSource(partsDir), { name: 'csv' });
  const inc: number[] = [];
  const full: number[] = [];
  try {
    await platform.sync('bench');
    for (let i = 0; i < ROUNDS; i++) {
      fs.copyFileSync(await variants[i % 2]!, changed);
      const t0 = performance.now();
      const r1 = await platform.sync('bench');
      inc.push(performance.now() - t0);
      const t1 = performance.now();
      const r2 = await platform.sync('bench', { fullRefresh: true });
      full.push(performance.now() - t1);
      if (r1.status !== 'success' || r1.files?.loaded.length !== 1 || r2.status !== 'success') throw new Error(`bench sync failed: ${JSON.stringify([r1, r2])}`);
      console.log(`  round ${i + 1}: incremental ${fmt(inc.at(-1)!)} (${r1.rows_processed} rows)  full refresh ${fmt(full.at(-1)!)} (${r2.rows_processed} rows)`);
    }
  } finally {
    await close();
    fs.copyFileSync(original, changed);
  }
  console.log(`  incremental / full refresh: ${ratios(inc, full)} (changed data = ${(1 / PARTS).toFixed(3)} of the total)`);
}

/**
 * `--large`: a CSV about 4x DuckDB's memory limit, synced with that limit; prints the process's peak
 * RSS. Runs alone in its own process so the peak is this sync's own.
 */
async function largerThanMemory(): Promise<void> {
  const limitMb = Number(process.env.BENCH_MEMORY_LIMIT_MB ?? 128);
  const rows = Number(process.env.BENCH_LARGE_ROWS ?? 6_600_000);
  const largeDir = path.join(DATA, 'large');
  const file = await ensureCsv(path.join(largeDir, 'sales_large.csv'), rows);
  const mb = fs.statSync(file).size / 1e6;
  const { platform, close } = await openProject(csvSource(largeDir), { name: 'csv', memoryLimit: `${limitMb}MB` });
  try {
    const t0 = performance.now();
    const result = await platform.sync('bench');
    const ms = performance.now() - t0;
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`Case 3: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB CSV (${(mb / limitMb).toFixed(1)}x) with memory_limit ${limitMb}MB`);
    console.log(`  ${result.status}: ${result.rows_processed.toLocaleString('en-US')} rows in ${fmt(ms)}; peak RSS of the process ${rss.toFixed(0)} MB${result.error_message ? ` (${result.error_message})` : ''}`);
  } finally {
    await close();
  }
}

if (process.argv.includes('--large')) {
  await largerThanMemory();
} else {
  await fullVsBare();
  // `--single`: case 1 only (e.g. BENCH_ROWS=10000000 npm run bench:csv -- --single).
  if (!process.argv.includes('--single')) await incrementalVsFull();
}
