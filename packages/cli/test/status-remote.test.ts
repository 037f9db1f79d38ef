import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cliEnv, tempDir } from './helpers';

let server: Server | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  cleanup?.();
});

/** A module hook that prints every module the process resolves, so a test can see what a command loaded. */
const TRACE_HOOK = `data:text/javascript,${encodeURIComponent(
  "import { register } from 'node:module';" +
    "register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { const r = await n(s, c); process.stderr.write(\"LOADED \" + r.url + \"\\\\n\"); return r; }'));",
)}`;

describe('dango status against a running server (issue 15 item 6)', () => {
  it('shows the server\'s sources and size, loading neither core\'s main entry nor DuckDB', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/sources') {
        res.end(JSON.stringify([{ name: 'sales', type: 'csv', enabled: true, status: 'synced', row_count: 2_000_000, last_sync: '2026-12-03T10:00:00Z' }]));
      } else if (req.url === '/api/health/platform') {
        res.end(JSON.stringify({ database: { size_mb: 2 } }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ detail: 'Not Found' }));
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const root = path.join(tmp.dir, 'proj');
    mkdirSync(path.join(root, '.dango'), { recursive: true });
    writeFileSync(path.join(root, '.dango', 'project.yml'), 'project:\n  name: remote\n');
    // This test process stands in for the server's process: server.json must name a live pid.
    writeFileSync(
      path.join(root, '.dango', 'server.json'),
      JSON.stringify({ pid: process.pid, port: Number(new URL(url).port), host: '127.0.0.1', url, started_at: new Date().toISOString() }),
    );

    const r = await execa('node', ['--import', TRACE_HOOK, BIN, 'status', '--project', root], { env: cliEnv(), extendEnv: false, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Server: running at ${url}`);
    expect(r.stdout).toMatch(/sales\s+csv\s+synced\s+2,000,000\s+2026-12-03T10:00:00Z/);
    expect(r.stdout).toContain('Warehouse: 2.0 MB');
    expect(seen.filter((s) => s !== 'GET /api/dango-cli-probe').sort()).toEqual(['GET /api/health/platform', 'GET /api/sources']);

    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
    expect(loaded.some((u) => /core\/src\/lite\.ts|core\/dist\/lite\.js/.test(u))).toBe(true);
    expect(loaded.filter((u) => /@duckdb|core\/src\/index\.ts|core\/dist\/index\.js|\/ws\/|undici/.test(u))).toEqual([]);
  });
});
