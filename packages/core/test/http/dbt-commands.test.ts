import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRuns } from '../../src/command-runs';
import type { DangoEventMap } from '../../src/events';
import { ROUTES } from '../../src/http/routes';
import { buildOpenApiDocument } from '../../src/http/openapi';
import type { TransformResult } from '../../src/transform/types';
import { getJson, startServer, type TestServer } from './helpers';

const post = (url: string, body?: unknown) =>
  getJson(url, { method: 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

describe('background dbt commands over the API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
    fs.writeFileSync(path.join(s.dir, 'dbt/seeds/categories.csv'), 'id,name\n1,books\n2,music\n');
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/category_count.sql'), "select count(*) as n from {{ ref('categories') }}\n");
  });
  afterAll(async () => {
    await s.close();
  });

  /** Starts a command and waits for its `dbt_command_completed`, then reads its record. */
  async function runToEnd(pathName: string, body?: unknown) {
    const ended = new Promise<DangoEventMap['dbt_command_completed']>((resolve) => s.platform.once('dbt_command_completed', resolve));
    const started = await post(`${s.url}/api/dbt/${pathName}`, body);
    expect(started.status).toBe(200);
    const route = ROUTES.find((r) => r.path === `/api/dbt/${pathName}`)!;
    expect(route.response.safeParse(started.body).success).toBe(true);
    const end = await ended;
    expect(end).toMatchObject({ run_id: started.body.run_id, success: expect.any(Boolean) });
    const record = await getJson(`${s.url}/api/dbt/runs/${started.body.run_id}`);
    expect(record.status).toBe(200);
    const parsed = ROUTES.find((r) => r.operationId === 'getCommandRun')!.response.safeParse(record.body);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    return record.body as { status: string; result: TransformResult | null; artifacts: string[]; error: string | null; command: string };
  }

  it('builds with a selection body, answers at once with a run id and keeps the results by id', async () => {
    const build = await runToEnd('build', { select: ['+category_count'], full_refresh: true });
    expect(build).toMatchObject({ command: 'build', status: 'success', error: null });
    expect(build.result!.results.map((r) => r.name).sort()).toEqual(['categories', 'category_count']);
    const [row] = await s.platform.warehouse.query<{ n: number }>('SELECT n::INTEGER AS n FROM marts.category_count');
    expect(row!.n).toBe(2);
  });

  it('runs, tests, seeds, compiles and generates docs; an empty selection is a result with no nodes', async () => {
    expect((await runToEnd('seed')).result!.counts.pass).toBe(1);
    expect((await runToEnd('run', { exclude: ['category_count'] })).result!.results).toEqual([]);
    expect((await runToEnd('test')).status).toBe('success');
    expect((await runToEnd('compile', { select: ['category_count'] })).result!.results).toHaveLength(1);
    const docs = await runToEnd('docs/generate');
    expect(docs).toMatchObject({ command: 'docs generate', status: 'success', result: null });
    expect(docs.artifacts).toEqual([path.join('dbt', 'target', 'manifest.json'), path.join('dbt', 'target', 'catalog.json')]);
    expect(fs.existsSync(path.join(s.dir, docs.artifacts[0]!))).toBe(true);
  });

  it('reports a failing model in the record and the event', async () => {
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/broken.sql'), 'select * from no_such_table_anywhere\n');
    try {
      const run = await runToEnd('run', { select: ['broken'] });
      expect(run.status).toBe('error');
      expect(run.result!.results[0]).toMatchObject({ name: 'broken', status: 'error', message: expect.stringContaining('no_such_table_anywhere') });
    } finally {
      fs.rmSync(path.join(s.dir, 'dbt/models/marts/broken.sql'));
    }
  });

  it('400 for a bad selection body, 404 for an unknown run id', async () => {
    const bad = await post(`${s.url}/api/dbt/run`, { select: 'not-a-list' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/select/);
    const threads = await post(`${s.url}/api/dbt/build`, { threads: 0 });
    expect(threads.status).toBe(400);
    const unknown = await getJson(`${s.url}/api/dbt/runs/no-such-run`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain("'no-such-run'");
  });

  it('documents every command route in OpenAPI', () => {
    const doc = buildOpenApiDocument(ROUTES, { version: '0.0.0', prefix: '' }) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const p of ['run', 'build', 'test', 'seed', 'compile', 'docs/generate']) {
      expect(Object.keys(doc.paths[`/api/dbt/${p}`]!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '409']));
    }
    expect(doc.paths['/api/dbt/runs/{run_id}']!.get).toBeDefined();
  });
});

describe('CommandRuns', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses a second command while one runs (409), and accepts the next once it ended', async () => {
    const runs = new CommandRuns(s.platform.context);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = runs.start('build', async () => {
      await held;
      return { files: [] };
    });
    expect(() => runs.start('run', async () => ({ files: [] }))).toThrow(expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining(first.run_id) }));
    expect(runs.get(first.run_id).status).toBe('running');
    release();
    expect((await first.done).status).toBe('success');
    const second = runs.start('run', async () => {
      throw new Error('project does not compile');
    });
    expect(await second.done).toMatchObject({ status: 'error', error: 'project does not compile', result: null });
    await runs.close();
  });
});
