import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../src/config';
import { getJson, startServer, type TestServer } from './helpers';

describe('a freshly scaffolded project', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('is healthy: Metabase is not configured rather than down', async () => {
    const status = await getJson(`${s.url}/api/status`);
    expect(status.body).toMatchObject({ status: 'healthy', services: { metabase: 'not_configured' } });
    expect((await getJson(`${s.url}/api/config`)).body.metabase_url).toBeNull();
  });

  it('answers /metabase/ with 404 and a detail saying how to configure it', async () => {
    for (const p of ['/metabase/', '/metabase/api/session']) {
      const r = await getJson(`${s.url}${p}`);
      expect(r.status, p).toBe(404);
      expect(r.body.detail).toBe('Metabase is not configured: set platform.metabase_url in .dango/project.yml (e.g. http://localhost:3000)');
    }
  });

  it('keeps the documented default for a project.yml without the key (http://localhost:3000)', async () => {
    const file = path.join(s.dir, '.dango', 'project.yml');
    const text = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, text.replace(/^ {2}metabase_url: false\n/m, ''));
      expect((await loadProjectConfig(s.dir)).platform.metabase_url).toBe('http://localhost:3000');
    } finally {
      fs.writeFileSync(file, text);
    }
  });
});
