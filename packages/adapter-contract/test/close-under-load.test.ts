import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DangoPlatform, initProject } from '@dango/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const SOURCES = 20;
const CLIENTS = 32;

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-close-load-'));
  await initProject(dir, { name: 'close-under-load' });
  const names = Array.from({ length: SOURCES }, (_, i) => `src_${i}`);
  fs.writeFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    stringify({ sources: names.map((name) => ({ name, type: 'csv', enabled: true, csv: { directory: `data/uploads/${name}`, file_pattern: '*.csv' } })) }),
  );
  for (const [i, name] of names.entries()) {
    fs.mkdirSync(path.join(dir, 'data', 'uploads', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'uploads', name, 'a.csv'), `id,v\n${Array.from({ length: i + 1 }, (_, r) => `${r},${r * 2}`).join('\n')}\n`);
  }
  const platform = await DangoPlatform.open({ projectDir: dir });
  try {
    for (const name of names) expect((await platform.sync(name)).status).toBe('success');
  } finally {
    await platform.close();
  }
});
let child: ChildProcess | undefined;
// A child that hangs fails its test by the timeout; it must not keep the warehouse locked for the next one.
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface ChildResult {
  ok: number;
  closed: number;
  other: string[];
  inFlightAtClose: number;
  peakReaders: number;
  readerLimit: number;
  directFulfilled: number;
  directRefused: number;
}

/** Runs the child to its own exit (a hang fails the test by its timeout) and returns its exit and report. */
function runChild(framework: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; result: ChildResult | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'close-under-load-child.ts'), framework, dir, String(CLIENTS)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code, signal, result: line ? (JSON.parse(line.slice(7)) as ChildResult) : null, stderr });
    });
  });
}

describe('platform.close() under concurrent GET /api/sources', () => {
  it.each(['express', 'fastify', 'koa', 'node'])('%s: answers or refuses every request clearly, never crashes, and the process exits by itself', async (framework) => {
    const { code, signal, result, stderr } = await runChild(framework);
    expect({ code, signal, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(result).not.toBeNull();
    const r = result!;
    expect(r.other).toEqual([]);
    expect(r.ok).toBeGreaterThan(CLIENTS * 4 - 1);
    // Reads were running or waiting when close() began, and the pool's bound held throughout.
    expect(r.inFlightAtClose).toBeGreaterThan(0);
    expect(r.peakReaders).toBeLessThanOrEqual(r.readerLimit);
    // Every direct call either finished or was refused with the clear error; the lists always answer.
    expect(r.directFulfilled + r.directRefused).toBe(16);
    expect(r.directFulfilled).toBeGreaterThanOrEqual(8);
    // A child start (tsx, three frameworks) is slow on a busy machine; a hang still fails by this bound.
  }, 120_000);
});
