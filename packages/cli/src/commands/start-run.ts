import type { CliIo } from '../io';
import { DangoError, DangoPlatform, loadProjectConfig, nowIso } from '@dango/core';
import { detectServer } from '../detect-server';
import { resolveProjectDir } from '../project';
import { isLoopbackHost } from '../loopback-host';
import { removeServerFile, writeServerFile } from '../server-file';
import type { StandaloneServer } from '../standalone-server';

/** The options of `dango start`. */
export interface StartFlags {
  project?: string;
  port?: number;
  host?: string;
  watch: boolean;
  schedules: boolean;
  allowOrigin?: string[];
  allowedHost?: string[];
}

/** Shortest DANGO_API_TOKEN accepted on a non-loopback address: other machines can guess at it over the network. */
export const MIN_REMOTE_TOKEN_LENGTH = 16;

/** Resolves on the first SIGINT or SIGTERM; a second one while shutting down exits at once. */
function untilSignal(onForce: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off('SIGINT', first).off('SIGTERM', first);
      process.on('SIGINT', onForce).on('SIGTERM', onForce);
      resolve(signal);
    };
    process.on('SIGINT', first).on('SIGTERM', first);
  });
}

/** The banner's schedules line: how many run and the soonest next sync. */
function schedulesLine(platform: DangoPlatform, on: boolean): string {
  const schedules = platform.listSchedules();
  if (schedules.length === 0) return 'none configured';
  if (!on) return `off (${schedules.length} configured; --no-schedules)`;
  const active = schedules.filter((s) => s.active);
  const next = active.map((s) => s.next_sync).filter((t): t is string => t !== null).sort()[0];
  return `${active.length} active${next ? `, next sync ${next}` : ''}`;
}

function printBanner(io: CliIo, server: StandaloneServer, name: string, watching: boolean, schedules: string, guarded: boolean, origins: string[], hosts: string[]): void {
  const ws = server.url.replace(/^http/, 'ws');
  io.out(`Dango is serving project '${name}' at ${server.url}`);
  io.out(`  Dashboard:  ${server.url}/`);
  io.out(`  API:        ${server.url}/api`);
  io.out(`  API docs:   ${server.url}/api/docs`);
  io.out(`  WebSocket:  ${ws}/ws`);
  io.out(`  dbt docs:   ${server.url}/dbt-docs/`);
  io.out(`  Watcher:    ${watching ? 'on' : 'off'}`);
  io.out(`  Schedules:  ${schedules}`);
  if (guarded) {
    io.out('  Auth:       every request needs Authorization: Bearer $DANGO_API_TOKEN');
    io.out(`              in a browser, open ${server.url}/api/docs?token=<the token> once (it sets a cookie)`);
  }
  if (origins.length) io.out(`  Origins:    ${origins.join(', ')} (CORS on /api, /ws allowed)`);
  if (hosts.length) io.out(`  Hosts:      ${hosts.join(', ')} (besides loopback names and ${server.host})`);
  io.out('Press Ctrl+C to stop.');
}

/** Runs `dango start` until SIGINT/SIGTERM. */
export async function runStart(opts: StartFlags, io: CliIo): Promise<void> {
  const root = resolveProjectDir(opts.project);
  const token = io.env.DANGO_API_TOKEN || undefined;
  const config = await loadProjectConfig(root);
  const host = opts.host ?? config.platform.host;
  const port = opts.port ?? config.platform.port;
  if (!isLoopbackHost(host) && !token) {
    throw new DangoError('FORBIDDEN', `Refusing to listen on ${host}: other machines could reach the API unauthenticated. Set DANGO_API_TOKEN to require a bearer token, or use --host 127.0.0.1`);
  }
  if (!isLoopbackHost(host) && token && token.length < MIN_REMOTE_TOKEN_LENGTH) {
    throw new DangoError('FORBIDDEN', `Refusing to listen on ${host} with a ${token.length}-character DANGO_API_TOKEN: other machines could guess a short token; use at least ${MIN_REMOTE_TOKEN_LENGTH} random characters (e.g. openssl rand -hex 24)`);
  }
  const running = await detectServer(root);
  if (running) throw new DangoError('CONFLICT', `A Dango server is already running for this project at ${running.url} (pid ${running.pid})`);

  // Loaded here so the other commands never load the HTTP stack.
  const { startStandaloneServer } = await import('../standalone-server');
  const platform = await DangoPlatform.open({ projectDir: root, watch: opts.watch, schedules: opts.schedules });
  let server: StandaloneServer;
  try {
    server = await startStandaloneServer(platform, { host, port, token, allowedOrigins: opts.allowOrigin, allowedHosts: opts.allowedHost, ui: true });
  } catch (err) {
    await platform.close();
    throw err;
  }
  platform.webUrl = server.url;
  writeServerFile(root, { pid: process.pid, port: server.port, host, url: server.url, started_at: nowIso() });
  // Last resort for exits that skip the orderly shutdown below (an uncaught error, process.exit).
  const dropFile = () => removeServerFile(root, process.pid);
  process.on('exit', dropFile);

  printBanner(io, server, config.project.name, opts.watch && (config.platform.auto_sync || config.platform.auto_dbt), schedulesLine(platform, opts.schedules), token !== undefined, opts.allowOrigin ?? [], opts.allowedHost ?? []);
  platform.on('event', (e) => io.out(`${e.timestamp}  ${e.type.padEnd(19)} ${e.message}`));

  const signal = await untilSignal(() => {
    dropFile();
    process.exit(1);
  });
  io.out(`Received ${signal}, shutting down...`);
  try {
    await server.close();
    await platform.close();
  } finally {
    dropFile();
    process.off('exit', dropFile);
  }
  io.out('Stopped.');
}
