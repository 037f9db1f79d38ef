import { DangoError } from '@dango/core';
import { ApiClient } from './api-client';
import type { Backend } from './backend';
import { detectServer } from './detect-server';
import type { CliIo } from './io';
import { LocalBackend } from './local-backend';
import { RemoteBackend } from './remote-backend';

/** A running server's API when there is one (DuckDB allows one writer process), else this process. */
export async function openBackend(root: string, io: CliIo): Promise<LocalBackend | RemoteBackend> {
  const server = await detectServer(root);
  if (!server) return new LocalBackend(root);
  return new RemoteBackend(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined));
}

/** Refuses a command that needs the warehouse to itself while a server holds it. */
export async function requireNoServer(root: string, command: string): Promise<void> {
  const server = await detectServer(root);
  if (server) {
    throw new DangoError('CONFLICT', `A Dango server is running for this project at ${server.url} (pid ${server.pid}); \`dango ${command}\` needs the warehouse to itself: stop the server first`);
  }
}

/** Runs `fn` with a backend and always releases it. */
export async function withBackend<T>(root: string, io: CliIo, fn: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend(root, io);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
