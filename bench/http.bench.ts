import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DangoPlatform } from '@dango/core';
import { runSourcesBench } from './http-sources';
import { createBenchProject } from './lib/bench-project';
import { FRAMEWORKS, startHost, type Framework } from './lib/http-hosts';
import { measureRps, median, type LoadOptions } from './lib/http-load';

const TARGET_RATIO = 0.9;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * `BENCH_FRAMEWORKS=fastify,node` measures a subset; `BENCH_STATUS=0`, `BENCH_SOURCES=0` and `BENCH_WS=0`
 * skip the status comparison, the sources list bench (`BENCH_SOURCES_FRAMEWORK`, default `node`) and the
 * WebSocket fan-out bench.
 */
const ONLY = process.env.BENCH_FRAMEWORKS?.split(',').map((f) => f.trim());
const BENCHED: Framework[] = ONLY ? FRAMEWORKS.filter((f) => ONLY.includes(f)) : [...FRAMEWORKS];
const LOAD: LoadOptions = { connections: Number(process.env.BENCH_CONNECTIONS ?? 32), seconds: Number(process.env.BENCH_SECONDS ?? 5) };

/** One run's throughput, and the server's CPU time per request (this process; the load runs in a child). */
interface RunFigures {
  rps: number;
  cpuUsPerRequest: number;
}

/** One measured run of one server: started fresh, warmed up, loaded, closed. */
async function measure(framework: Framework, source: Parameters<typeof startHost>[1]): Promise<RunFigures> {
  const server = await startHost(framework, source);
  try {
    await measureRps(server.url, { connections: LOAD.connections, seconds: 1 });
    const before = process.cpuUsage();
    const { rps, requests } = await measureRps(server.url, LOAD);
    const cpu = process.cpuUsage(before);
    return { rps, cpuUsPerRequest: (cpu.user + cpu.system) / requests };
  } finally {
    await server.close();
  }
}

async function runHttpBench(): Promise<void> {
  const dir = await createBenchProject('http');
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'warehouse.duckdb') });
  try {
    const json = await platform.status();
    const results = new Map<Framework, { dango: RunFigures[]; bare: RunFigures[] }>(BENCHED.map((f) => [f, { dango: [], bare: [] }]));
    console.log(`GET /api/status, ${LOAD.connections} connections, ${LOAD.seconds} s per run, ${ROUNDS} interleaved rounds (autocannon in a child process)`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const framework of BENCHED) {
        const r = results.get(framework)!;
        // Alternate which side goes first so drift on a shared machine does not favour one side.
        const order = round % 2 === 0 ? (['dango', 'bare'] as const) : (['bare', 'dango'] as const);
        for (const side of order) r[side].push(await measure(framework, side === 'dango' ? { platform } : { json }));
        const show = (f: RunFigures): string => `${f.rps.toFixed(0)} req/s (${f.cpuUsPerRequest.toFixed(1)} us CPU/req)`;
        console.log(`  round ${round + 1} ${framework.padEnd(8)} dango ${show(r.dango.at(-1)!)}, bare ${show(r.bare.at(-1)!)}`);
      }
    }
    // Throughput swings with whatever else the machine runs; CPU per request is the steadier figure.
    console.log('\nframework  dango req/s  bare req/s  ratio  (target >= 0.90)   CPU us/req dango  bare  ratio bare/dango');
    for (const [framework, r] of results) {
      const rps = { dango: median(r.dango.map((f) => f.rps)), bare: median(r.bare.map((f) => f.rps)) };
      const cpu = { dango: median(r.dango.map((f) => f.cpuUsPerRequest)), bare: median(r.bare.map((f) => f.cpuUsPerRequest)) };
      const ratio = rps.dango / rps.bare;
      const verdict = ratio >= TARGET_RATIO ? 'ok          ' : 'BELOW TARGET';
      console.log(
        `${framework.padEnd(10)} ${rps.dango.toFixed(0).padStart(11)} ${rps.bare.toFixed(0).padStart(11)}  ${ratio.toFixed(2)}  ${verdict}` +
          `   ${cpu.dango.toFixed(1).padStart(16)} ${cpu.bare.toFixed(1).padStart(5)}  ${(cpu.bare / cpu.dango).toFixed(2).padStart(5)}`,
      );
    }
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The WebSocket fan-out bench lives beside this one; it runs here too when present. */
async function runWsFanoutIfPresent(): Promise<void> {
  if (process.env.BENCH_WS === '0') return;
  const file = fileURLToPath(new URL('./ws-fanout.bench.ts', import.meta.url));
  if (!fs.existsSync(file)) {
    console.log('\n(ws-fanout.bench.ts not present; WebSocket fan-out skipped)');
    return;
  }
  const mod = (await import(pathToFileURL(file).href)) as { runWsFanoutBench?: () => Promise<unknown> };
  if (typeof mod.runWsFanoutBench !== 'function') throw new Error('ws-fanout.bench.ts does not export runWsFanoutBench()');
  console.log('');
  await mod.runWsFanoutBench();
}

if (process.env.BENCH_STATUS !== '0') await runHttpBench();
if (process.env.BENCH_SOURCES !== '0') await runSourcesBench((process.env.BENCH_SOURCES_FRAMEWORK ?? 'node') as Framework, LOAD, ROUNDS);
await runWsFanoutIfPresent();
