/**
 * CLI start times: wall time of `dango` invocations against the built CLI (run `npm run build` first),
 * beside bare `node` and an import of `@dango/core` alone, in interleaved rounds; medians printed.
 * Wall times on a shared machine are noisy: compare the rows of one run, not runs of different days.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'packages/cli/bin/dango.js');
if (!fs.existsSync(path.join(repo, 'packages/cli/dist/main.js'))) throw new Error('Build first: npm run build');
const rounds = Number(process.env.ROUNDS ?? 10);
const env = { ...process.env, CI: '1', DANGO_CLI_SOURCE: '0' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-cli-bench-'));
const project = path.join(dir, 'proj');
execFileSync(process.execPath, [bin, 'init', project], { env });
const served = path.join(dir, 'served');
execFileSync(process.execPath, [bin, 'init', served], { env });

function timeRun(args: string[]): number {
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, args, { env, stdio: 'ignore', cwd: repo });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const server = spawn(process.execPath, [bin, 'start', '--project', served, '--port', '0', '--no-watch'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => {
  let out = '';
  server.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('Press Ctrl+C')) resolve();
  });
});

const cases: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ["import('@dango/core') alone", ['--input-type=module', '-e', "await import('@dango/core')"]],
  ['dango --version', [bin, '--version']],
  ['dango --help', [bin, '--help']],
  ['dango status (no server)', [bin, 'status', '--project', project]],
  ['dango status (server running)', [bin, 'status', '--project', served]],
  ['dango sync, nothing to sync (no server)', [bin, 'sync', '--project', project]],
];
const times = new Map(cases.map(([name]) => [name, [] as number[]]));
try {
  for (let r = 0; r < rounds; r++) {
    // Rotate the order so no case always runs right after another.
    for (let i = 0; i < cases.length; i++) {
      const [name, args] = cases[(i + r) % cases.length]!;
      times.get(name)!.push(timeRun(args));
    }
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CLI start, median of ${rounds} interleaved rounds (ms):`);
for (const [name] of cases) console.log(`  ${name.padEnd(42)} ${median(times.get(name)!).toFixed(0).padStart(6)}`);
