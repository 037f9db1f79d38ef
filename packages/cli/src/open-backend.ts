import { ApiClient } from './api-client';
import type { Backend } from './backend';
import { detectServer } from './detect-server';
import type { CliIo } from './io';
import type { LocalBackend } from './local-backend';
import { RemoteBackend } from './remote-backend';

/** A running server's API when there is one (DuckDB allows one writer process), else this process. */
export async function openBackend(root: string, io: CliIo, options: { readOnly?: boolean } = {}): Promise<LocalBackend | RemoteBackend> {
  const server = await detectServer(root);
  if (!server) {
    // Core (DuckDB, the engine) loads only when this process opens the warehouse itself.
    const { LocalBackend } = await import('./local-backend');
    return new LocalBackend(root, options);
  }
  return new RemoteBackend(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined));
}

/** Runs `fn` with a backend and always releases it; `readOnly` commands record nothing in the activity log. */
export async function withBackend<T>(root: string, io: CliIo, fn: (backend: Backend) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const backend = await openBackend(root, io, options);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
