import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DangoPlatform, initProject, type OpenOptions } from '../../src';
import { createNodeListener, type NodeListener } from '../../src/node/node-listener';
import type { MountOptions } from '../../src/node/mount';

/** A temp project with one CSV source `sales` reading `data/uploads/sales/*.csv`. */
export async function makeProject(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'http-test', organization: 'Test Org' });
  fs.mkdirSync(path.join(dir, 'data/uploads/sales'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.dango/sources.yml'),
    'sources:\n  - name: sales\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/sales\n      file_pattern: "*.csv"\n',
  );
  return dir;
}

/** A platform served by a real `http.createServer(createNodeListener(...).listener)` on port 0. */
export interface TestServer {
  url: string;
  dir: string;
  platform: DangoPlatform;
  node: NodeListener;
  server: http.Server;
  close(): Promise<void>;
}

/** Opens a platform on a fresh project and serves it on 127.0.0.1:0. */
export async function startServer(mount: MountOptions = {}, open: Partial<OpenOptions> = {}): Promise<TestServer> {
  const dir = await makeProject();
  const platform = await DangoPlatform.open({ projectDir: dir, duckdbPath: path.join(dir, 'data/warehouse.duckdb'), ...open });
  const node = createNodeListener(platform, mount);
  const server = http.createServer(node.listener);
  node.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount.prefix ?? ''}`;
  return {
    url,
    dir,
    platform,
    node,
    server,
    async close() {
      await node.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fetches and parses a JSON answer. */
export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: the test sees the text */
  }
  return { status: res.status, headers: res.headers, body };
}
