import fs from 'node:fs';
import path from 'node:path';
import { DangoPlatform } from '@dango/core';
import { createBenchProject, growSources } from './lib/bench-project';
import { startHost, type Framework } from './lib/http-hosts';
import { measureRps, median, withPeakRss, type LoadOptions } from './lib/http-load';

/** Issue 15's targets: `/api/sources` at 1 source within 0.5x of `/api/status`, 200 sources under 20 ms. */
const TARGET_RATIO_AT_ONE = 0.5;
const TARGET_MS_AT_200 = 20;

/** What one source count measured. */
interface SourcesFigures {
  sources: number;
  sourcesRps: number;
  statusRps: number;
  /** One connection, one request at a time: what a single dashboard waits. */
  latencyMs: { p50: number; p99: number };
  idleRssMb: number;
  peakRssMb: number;
  readers: { peak: number; limit: number };
}

async function measureCount(dir: string, count: number, framework: Framework, load: LoadOptions, rounds: number): Promise<SourcesFigures> {
  await growSources(dir, count);
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'warehouse.duckdb') });
  const server = await startHost(framework, { platform });
  const sourcesUrl = `${server.origin}/api/sources`;
  try {
    const listed = (await (await fetch(sourcesUrl)).json()) as unknown[];
    if (listed.length !== count) throw new Error(`expected ${count} sources, the API listed ${listed.length}`);
    await measureRps(sourcesUrl, { connections: load.connections, seconds: 1 });
    await measureRps(server.url, { connections: load.connections, seconds: 1 });
    const idleRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    const sources: number[] = [];
    const status: number[] = [];
    let peakRssMb = 0;
    for (let round = 0; round < rounds; round++) {
      // Alternate which route goes first so drift on a shared machine does not favour one side.
      const order = round % 2 === 0 ? (['sources', 'status'] as const) : (['status', 'sources'] as const);
      for (const side of order) {
        const run = await withPeakRss(() => measureRps(side === 'sources' ? sourcesUrl : server.url, load));
        (side === 'sources' ? sources : status).push(run.result.rps);
        if (side === 'sources') peakRssMb = Math.max(peakRssMb, run.peakRssMb);
      }
      console.log(`  ${String(count).padStart(3)} sources, round ${round + 1}: /api/sources ${sources.at(-1)!.toFixed(0)} req/s, /api/status ${status.at(-1)!.toFixed(0)} req/s`);
    }
    const single = await measureRps(sourcesUrl, { connections: 1, seconds: Math.min(load.seconds, 3) });
    const { peak, limit } = platform.warehouse.readerStats;
    return { sources: count, sourcesRps: median(sources), statusRps: median(status), latencyMs: single.latencyMs, idleRssMb, peakRssMb, readers: { peak, limit } };
  } finally {
    await server.close();
    await platform.close();
  }
}

/**
 * `GET /api/sources` at 1, 50 and 200 synced sources (`BENCH_SOURCE_COUNTS` overrides) through
 * `framework`, against `GET /api/status` on the same server, interleaved; plus the latency of one
 * client and the server's RSS under the load (the load itself comes from autocannon in a child process).
 */
export async function runSourcesBench(framework: Framework, load: LoadOptions, rounds: number): Promise<void> {
  const counts = (process.env.BENCH_SOURCE_COUNTS ?? '1,50,200').split(',').map((c) => Number(c.trim()));
  const dir = await createBenchProject('sources');
  console.log(`\nGET /api/sources vs GET /api/status (${framework}), ${load.connections} connections, ${load.seconds} s per run, ${rounds} interleaved rounds`);
  const figures: SourcesFigures[] = [];
  try {
    for (const count of counts) figures.push(await measureCount(dir, count, framework, load, rounds));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nsources  /api/sources req/s  /api/status req/s  ratio   1-client p50 / p99 ms   RSS idle -> peak MB   readers peak/limit');
  for (const f of figures) {
    console.log(
      `${String(f.sources).padStart(7)}  ${f.sourcesRps.toFixed(0).padStart(18)}  ${f.statusRps.toFixed(0).padStart(17)}  ${(f.sourcesRps / f.statusRps).toFixed(2).padStart(5)}` +
        `   ${`${f.latencyMs.p50} / ${f.latencyMs.p99}`.padStart(21)}   ${`${f.idleRssMb} -> ${f.peakRssMb}`.padStart(19)}   ${`${f.readers.peak}/${f.readers.limit}`.padStart(18)}`,
    );
  }
  const one = figures.find((f) => f.sources === 1);
  const most = figures.find((f) => f.sources === 200);
  if (one) console.log(`1 source: ratio ${(one.sourcesRps / one.statusRps).toFixed(2)} (target >= ${TARGET_RATIO_AT_ONE})`);
  if (most) console.log(`200 sources: p99 ${most.latencyMs.p99} ms for one client (target < ${TARGET_MS_AT_200} ms)`);
}
