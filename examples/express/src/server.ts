import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApp } from './app';

// Self-contained on purpose: an example is read and copied on its own.
const projectDir = process.env.DANGO_PROJECT ?? fileURLToPath(new URL('../../demo', import.meta.url));
const port = Number(process.env.PORT ?? 4000);

const shop = await createApp(projectDir, { watch: true });
shop.server.listen(port, '127.0.0.1', () => {
  const { port: actual } = shop.server.address() as AddressInfo;
  console.log(`shop on http://127.0.0.1:${actual}/ - Dango API docs at http://127.0.0.1:${actual}/dango/api/docs`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shop.close().then(() => process.exit(0)));
}
