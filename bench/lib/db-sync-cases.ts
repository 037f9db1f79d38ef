import { fmt, interleave, openProject, peakRssMb, ratios, runChild, timeDumpAndRead, timeFreshSync, timeSync, type Timing } from './db-bench';

/** Rounds of each case (`BENCH_ROUNDS`, at least 3). */
export const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));

/** Rows of the main table (`BENCH_ROWS`, default 1M; a smaller one only to check that the bench runs). */
export const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/** What one database's bench brings to the shared cases. */
export interface DbBench {
  /** The source's `type:`, also the key of its config block. */
  type: 'postgres' | 'mysql';
  /** The source's config block without `tables` and `incremental`. */
  config: Record<string, unknown>;
  /** Creates `table` with `rows` rows of 10 columns (`updated_at` the cursor) unless it already has them. */
  ensureTable(table: string, rows: number): Promise<void>;
  /** The physical limit: the database's own export of `table` into `file`, read back with `read_csv(file<readOptions>)`. */
  limit: { dump: (table: string) => (file: string) => Promise<void>; readOptions: string; round: string; ratio: string };
  /** Changes 1% of `table`'s rows (`id % 100 = round`) and moves their cursor forward. */
  touch(table: string, round: number): Promise<unknown>;
  /** The env variable that adds the 5M-row table to the memory case. */
  fiveMillionEnv: string;
  /** The bench script's own path (the memory case re-runs it with `--rss`). */
  script: string;
  /** Further `--flag` modes of this bench. */
  modes?: Record<string, () => Promise<void>>;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The default table (`t1m`, or `t<rows>` for another BENCH_ROWS, so the cached 1M-row table stays). */
const TABLE = ROWS === 1_000_000 ? 't1m' : `t${ROWS}`;

function source(b: DbBench, table: string, incremental: boolean): Record<string, unknown> {
  const config = { ...b.config, tables: [table], incremental: incremental ? { [table]: { cursor: 'updated_at' } } : {} };
  return { name: 'bench', type: b.type, enabled: true, [b.type]: config };
}

async function fullVsLimit(b: DbBench): Promise<void> {
  await b.ensureTable(TABLE, ROWS);
  console.log(`Case 1: ${count(ROWS)} rows x 10 columns, ${ROUNDS} interleaved rounds`);
  const a: Timing[] = [];
  const l: Timing[] = [];
  const sync = async () => a.push(await timeFreshSync(source(b, TABLE, true), ROWS));
  const limit = async () => l.push(await timeDumpAndRead(b.limit.dump(TABLE), b.limit.readOptions));
  await interleave(ROUNDS, [sync, limit], (i) =>
    console.log(`  round ${i + 1}: platform.sync ${fmt(a.at(-1)!.ms)} (CPU ${fmt(a.at(-1)!.cpuMs)})  ${b.limit.round} ${fmt(l.at(-1)!.ms)} (CPU ${fmt(l.at(-1)!.cpuMs)})`),
  );
  console.log(`  platform.sync / (${b.limit.ratio}): ${ratios(a.map((t) => t.ms), l.map((t) => t.ms))} (target <= 1.5)`);
}

async function incrementalVsFull(b: DbBench): Promise<void> {
  console.log(`Case 2: ${count(ROWS / 100)} changed rows of ${count(ROWS)} (merge on id from the updated_at cursor), ${ROUNDS} rounds`);
  const p = await openProject(source(b, TABLE, true));
  const inc: number[] = [];
  const full: number[] = [];
  try {
    await timeSync(p.platform, 'bench', ROWS);
    for (let i = 0; i < ROUNDS; i++) {
      await b.touch(TABLE, i);
      inc.push((await timeSync(p.platform, 'bench', null)).ms);
      full.push((await timeSync(p.platform, 'bench', ROWS, { fullRefresh: true })).ms);
      console.log(`  round ${i + 1}: incremental ${fmt(inc.at(-1)!)}  full refresh ${fmt(full.at(-1)!)}`);
    }
  } finally {
    await p.close();
  }
  console.log(`  incremental / full: ${ratios(inc, full)} (target <= 0.05)`);
}

/** `--rss <table> <rows>`: one sync in this (child) process; prints its peak RSS. */
async function rssChild(b: DbBench, table: string, rows: number): Promise<void> {
  const t = await timeFreshSync(source(b, table, false), rows);
  console.log(`${count(rows)} rows: ${fmt(t.ms)}, peak RSS ${peakRssMb().toFixed(0)} MB`);
}

async function memory(b: DbBench): Promise<void> {
  console.log('Case 3: peak RSS of one sync in its own process');
  const sizes: Array<[string, number]> = [[TABLE, ROWS]];
  if (process.env[b.fiveMillionEnv] === '1') sizes.push(['t5m', 5_000_000]);
  else console.log(`  (set ${b.fiveMillionEnv}=1 for the 5M-row table)`);
  for (const [table, rows] of sizes) {
    await b.ensureTable(table, rows);
    console.log(`  ${await runChild(b.script, ['--rss', table, String(rows)])}`);
  }
}

/**
 * Runs a database bench from its command line: `--rss` (the memory case's child), `--memory` (that case
 * alone), one of the bench's own modes, or else the three cases in turn.
 */
export async function runDbBench(b: DbBench): Promise<void> {
  const rssAt = process.argv.indexOf('--rss');
  const mode = Object.keys(b.modes ?? {}).find((flag) => process.argv.includes(flag));
  if (rssAt >= 0) {
    await rssChild(b, process.argv[rssAt + 1]!, Number(process.argv[rssAt + 2]));
  } else if (process.argv.includes('--memory')) {
    await memory(b);
  } else if (mode) {
    await b.modes![mode]!();
  } else {
    await fullVsLimit(b);
    await incrementalVsFull(b);
    await memory(b);
  }
}
