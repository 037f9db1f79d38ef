import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from './http-client';

/** The repo's demo project (`examples/demo`). */
export const DEMO_PROJECT = fileURLToPath(new URL('../../../examples/demo', import.meta.url));

/** Copies the demo project (without any warehouse or run state) into a fresh temp folder. */
export function copyDemoProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  fs.cpSync(DEMO_PROJECT, dir, {
    recursive: true,
    filter: (src) => !/\.duckdb(\.wal)?$|[\\/]\.dango[\\/](logs|history|state|server\.json)|[\\/]dbt[\\/]target/.test(src),
  });
  return dir;
}

/** What an example's `createApp` gives back. */
export interface ExampleApp {
  server: Server;
  close(): Promise<void>;
}

/**
 * Registers an example's smoke test: the app starts on a copy of the demo project on port 0, Dango
 * answers under `/dango`, and the host's own route `hostPath` still answers.
 */
export function smokeTestExample(start: (projectDir: string) => Promise<ExampleApp>, hostPath: string): void {
  let dir = '';
  let app: ExampleApp | undefined;
  let base = '';

  beforeAll(async () => {
    dir = copyDemoProject();
    app = await start(dir);
    await new Promise<void>((resolve) => app!.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves Dango under /dango', async () => {
    const status = await call(`${base}/dango/api/status`);
    expect(status.status).toBe(200);
    expect(status.json.services.duckdb).toBe('healthy');
    const sources = await call(`${base}/dango/api/sources`);
    expect(sources.json.map((s: { name: string }) => s.name).sort()).toEqual(['crm', 'sales_data', 'web_events']);
  });

  it('keeps its own routes', async () => {
    const own = await call(`${base}${hostPath}`);
    expect(own.status).toBe(200);
    expect(own.json).toBeTypeOf('object');
  });
}
