import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DangoPlatform, initProject } from '@dango/core';
import { FRAMEWORKS, startHost, type Framework } from './lib/http-hosts';
import { measureRps, median, type LoadOptions } from './lib/http-load';

const TARGET_RATIO = 0.9;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `BENCH_FRAMEWORKS=fastify,node` measures a subset; `BENCH_WS=0` skips the WebSocket fan-out bench. */
const ONLY = process.env.BENCH_FRAMEWORKS?.split(',').map((f) => f.trim());
const BENCHED: Framework[] = ONLY ? FRAMEWORKS.filter((f) => ONLY.includes(f)) : [...FRAMEWORKS];
const LOAD: LoadOptions = { connections: Number(process.env.BENCH_CONNECTIONS ?? 32), seconds: Number(process.env.BENCH_SECONDS ?? 5) };

/** A project whose status needs no network: Metabase off, dbt docs served by Dango itself. */
async function benchProject(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-http-'));
  await initProject(dir, { name: 'bench-http' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace(/metabase_url: .*/, 'metabase_url: false'));
  return dir;
}

/** One measured run of one server: started fresh, warmed up, loaded, closed. */
async function measure(framework: Framework, source: Parameters<typeof startHost>[1]): Promise<number> {
  const server = await startHost(framework, source);
  try {
    await measureRps(server.url, { connections: LOAD.connections, seconds: 1 });
    return await measureRps(server.url, LOAD);
  } finally {
    await server.close();
  }
}

async function runHttpBench(): Promise<void> {
  const dir = await benchProject();
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'warehouse.duckdb') });
  try {
    const json = await platform.status();
    const results = new Map<Framework, { dango: number[]; bare: number[] }>(BENCHED.map((f) => [f, { dango: [], bare: [] }]));
    console.log(`GET /api/status, ${LOAD.connections} connections, ${LOAD.seconds} s per run, ${ROUNDS} interleaved rounds (autocannon in a child process)`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const framework of BENCHED) {
        const r = results.get(framework)!;
        // Alternate which side goes first so drift on a shared machine does not favour one side.
        const order = round % 2 === 0 ? (['dango', 'bare'] as const) : (['bare', 'dango'] as const);
        for (const side of order) r[side].push(await measure(framework, side === 'dango' ? { platform } : { json }));
        console.log(`  round ${round + 1} ${framework.padEnd(8)} dango ${r.dango.at(-1)!.toFixed(0)} req/s, bare ${r.bare.at(-1)!.toFixed(0)} req/s`);
      }
    }
    console.log('\nframework  dango req/s  bare req/s  ratio  (target >= 0.90)');
    for (const [framework, r] of results) {
      const ratio = median(r.dango) / median(r.bare);
      const verdict = ratio >= TARGET_RATIO ? 'ok' : 'BELOW TARGET';
      console.log(`${framework.padEnd(10)} ${median(r.dango).toFixed(0).padStart(11)} ${median(r.bare).toFixed(0).padStart(11)}  ${ratio.toFixed(2)}  ${verdict}`);
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

await runHttpBench();
await runWsFanoutIfPresent();
