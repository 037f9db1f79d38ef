import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach } from 'vitest';
import { initProject } from '@dango/core';

/** The `dango` executable under test. */
export const BIN = fileURLToPath(new URL('../bin/dango.js', import.meta.url));

/** Environment of every CLI child: the TypeScript sources, plain (non-TTY) output, no inherited token. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, DANGO_CLI_SOURCE: '1', CI: '1', DANGO_API_TOKEN: undefined, DANGO_DEBUG: undefined, ...extra };
}

/** Runs `dango ...args` to completion; never rejects, so exit codes and stderr can be asserted. */
export function dango(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa('node', [BIN, ...args], { cwd: options.cwd ?? os.tmpdir(), env: cliEnv(options.env), extendEnv: false, reject: false });
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A project with one CSV source `sales` (directory data/uploads/sales) and the given files. */
export async function csvProject(dir: string, files: Record<string, string>, extraSources = ''): Promise<string> {
  const root = path.join(dir, 'proj');
  await initProject(root, { name: 'cli-test' });
  writeFileSync(
    path.join(root, '.dango', 'sources.yml'),
    `sources:\n  - name: sales\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/sales\n      file_pattern: "*.csv"\n${extraSources}`,
  );
  const data = path.join(root, 'data', 'uploads', 'sales');
  mkdirSync(data, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(data, name), text);
  return root;
}

/** A CSV of `n` rows `id,amount`. */
export function salesCsv(n: number, start = 1): string {
  const lines = ['id,amount'];
  for (let i = start; i < start + n; i++) lines.push(`${i},${(i * 1.5).toFixed(2)}`);
  return `${lines.join('\n')}\n`;
}

/** Polls `check` until it returns a value, failing after `ms` (for conditions no event announces). */
export async function waitUntil<T>(check: () => T | null | undefined | false, ms = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Servers started and not yet stopped, so a test scope can stop what a failing test left running. */
const running = new Set<RunningServer>();

/** Registers per-test scaffolding for suites that run `dango start`: a fresh temp folder, and every server still running stopped afterwards. */
export function serverTestScope(): { readonly dir: string } {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await Promise.all([...running].map((server) => stopServer(server)));
    tmp.cleanup();
  });
  return {
    get dir() {
      return tmp.dir;
    },
  };
}

/** A `dango start` child with its collected output. */
export interface RunningServer {
  child: ResultPromise;
  url: string;
  output: () => string;
}

/** Starts `dango start --port 0` (watcher off unless asked) on a project and resolves with its URL once its banner is complete. */
export async function startServer(root: string, args: string[] = [], env: Record<string, string> = {}, options: { watch?: boolean } = {}): Promise<RunningServer> {
  const child = execa('node', [BIN, 'start', '--project', root, '--port', '0', ...(options.watch ? [] : ['--no-watch']), ...args], {
    env: cliEnv(env),
    extendEnv: false,
    reject: false,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /Dango is serving project '.*' at (http:\/\/\S+)/.exec(out);
      if (m && out.includes('Press Ctrl+C to stop.')) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void child.then((r) => reject(new Error(`dango start exited (${r.exitCode}) before listening:\n${out}`)));
  });
  const server = { child, url, output: () => out };
  running.add(server);
  return server;
}

/** Stops a server child with a signal (SIGTERM by default) and returns its exit code. */
export async function stopServer(server: RunningServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | undefined> {
  running.delete(server);
  if (server.child.exitCode !== null && server.child.exitCode !== undefined) return server.child.exitCode;
  server.child.kill(signal);
  const r = await server.child;
  return r.exitCode;
}

/** True when the project's server.json exists. */
export function hasServerFile(root: string): boolean {
  return existsSync(path.join(root, '.dango', 'server.json'));
}
