import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { HealthService } from '../../src/health/health-service';
import { probeHttp } from '../../src/health/http-probe';
import { formatUptime } from '../../src/health/uptime';
import { findPackageVersion } from '../../src/health/dango-version';
import { tempProject, type TempProject } from '../watcher/helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real HTTP server on port 0 that counts requests; `status` is what it answers. */
async function upstream(status = 200): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

/** A URL on which nothing listens (a port we bound and released). */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function openProject(platformSettings: Record<string, unknown>): Promise<{ project: TempProject; platform: DangoPlatform }> {
  const project = await tempProject({ platform: platformSettings });
  cleanups.push(project.cleanup);
  const platform = await DangoPlatform.open({ projectDir: project.dir });
  cleanups.push(() => platform.close());
  return { project, platform };
}

const corePackage = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string };

describe('platform.status()', () => {
  it('reports a reachable Metabase as healthy and an unreachable dbt-docs server as unhealthy (degraded)', async () => {
    const metabase = await upstream(302);
    const { platform } = await openProject({ metabase_url: metabase.url, dbt_docs_url: await closedPortUrl() });
    const status = await platform.status();
    expect(status).toMatchObject({
      status: 'degraded',
      dango_version: corePackage.version,
      services: { api: 'running', duckdb: 'healthy', metabase: 'healthy', dbt_docs: 'unhealthy' },
    });
    expect(metabase.hits()).toBe(1);
    expect(status.uptime).toMatch(/^(\d+[dhm] )*\d+s$/);
    expect(status.uptime_seconds).toBeGreaterThanOrEqual(0);
  });

  it('is healthy with every configured service up, whatever HTTP status they answer', async () => {
    const metabase = await upstream(500);
    const docs = await upstream(404);
    const { platform } = await openProject({ metabase_url: metabase.url, dbt_docs_url: docs.url });
    expect(await platform.status()).toMatchObject({ status: 'healthy', services: { metabase: 'healthy', dbt_docs: 'healthy' } });
  });

  it('marks unconfigured services not_configured and self-served docs healthy once the manifest exists', async () => {
    const { project, platform } = await openProject({ metabase_url: false });
    const health = new HealthService(platform.context, undefined, { probeCacheMs: 0 });
    expect((await health.status()).services).toEqual({ api: 'running', duckdb: 'healthy', metabase: 'not_configured', dbt_docs: 'not_configured' });
    mkdirSync(path.join(project.dir, 'dbt', 'target'), { recursive: true });
    writeFileSync(path.join(project.dir, 'dbt', 'target', 'manifest.json'), '{}');
    const after = await health.status();
    expect(after.services.dbt_docs).toBe('healthy');
    expect(after.status).toBe('healthy');
  });

  it('probes once for a burst of calls and reuses the result within the cache window', async () => {
    const metabase = await upstream();
    const { platform } = await openProject({ metabase_url: metabase.url });
    const results = await Promise.all(Array.from({ length: 25 }, () => platform.status()));
    expect(results.every((r) => r.services.metabase === 'healthy')).toBe(true);
    await platform.status();
    expect(metabase.hits()).toBe(1);
  });

  it('reports duckdb unhealthy (overall unhealthy) when the warehouse cannot answer', async () => {
    const { platform } = await openProject({});
    const health = new HealthService(platform.context, undefined, { probeCacheMs: 0 });
    await platform.warehouse.close();
    const status = await health.status();
    expect(status.services.duckdb).toBe('unhealthy');
    expect(status.status).toBe('unhealthy');
  });
});

describe('HTTP probe', () => {
  it('treats a server that accepts but never answers as down after the timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => undefined);
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    }));
    expect(await probeHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 300)).toBe(false);
  });

  it('rejects URLs it cannot probe without throwing', async () => {
    expect(await probeHttp('not a url')).toBe(false);
    expect(await probeHttp('ftp://127.0.0.1/')).toBe(false);
    expect(await probeHttp(await closedPortUrl())).toBe(false);
  });
});

describe('uptime and version', () => {
  it('formats durations without leading zero units', () => {
    expect(formatUptime(0)).toBe('0s');
    expect(formatUptime(59.9)).toBe('59s');
    expect(formatUptime(3 * 60 + 4)).toBe('3m 4s');
    expect(formatUptime(2 * 3600 + 3 * 60 + 4)).toBe('2h 3m 4s');
    expect(formatUptime(2 * 3600 + 4)).toBe('2h 0m 4s');
    expect(formatUptime(86400 + 3600)).toBe('1d 1h 0m 0s');
    expect(formatUptime(-5)).toBe('0s');
  });

  it('finds the @dango/core version walking up from the source folder and from a dist-like folder', () => {
    const core = path.join(__dirname, '../..');
    expect(findPackageVersion(path.join(core, 'src', 'health'))).toBe(corePackage.version);
    expect(findPackageVersion(path.join(core, 'dist'))).toBe(corePackage.version);
    expect(findPackageVersion('/')).toBeNull();
  });
});
