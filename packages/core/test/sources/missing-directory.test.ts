import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, recordEvents, rows, type TestProject } from './helpers';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.close();
  project = undefined;
});

describe('a file source whose directory does not exist', () => {
  it('fails every sync with "directory not found" and a WARNING naming both paths, keeps the loaded rows, and fails the check', async () => {
    project = await createProject({ sales: {} });
    project.write('sales', 'a.csv', 'id\n1\n2\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    fs.rmSync(project.sourceDir('sales'), { recursive: true });
    const abs = project.sourceDir('sales');
    const expected = `Source 'sales': directory not found: data/uploads/sales (${abs}); nothing was loaded and the loaded data is kept. Create the directory, or fix csv.directory in .dango/sources.yml`;

    const logs = recordEvents(platform, ['log']);
    for (let i = 0; i < 2; i++) {
      const result = await platform.sync('sales');
      expect(result).toMatchObject({ status: 'failed', rows_processed: 0, error_message: expected });
    }
    // One WARNING per sync, not only the first.
    expect(logs.filter((e) => 'level' in e && e.level === 'WARNING' && e.message === expected)).toHaveLength(2);
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 2 }]);
    expect((await platform.listSources()).find((s) => s.name === 'sales')).toMatchObject({ status: 'failed' });

    expect(await platform.checkSource('sales')).toEqual({ source: 'sales', type: 'csv', ok: false, tables: [], error: expected });
    // Once the directory is back, the same source checks and syncs again.
    fs.mkdirSync(abs, { recursive: true });
    expect(await platform.checkSource('sales')).toMatchObject({ ok: true, tables: [{ name: 'sales', files: [] }] });
  });

  it('fails the first sync of a source that was never given its directory (local_files too)', async () => {
    project = await createProject({ sales: {} });
    fs.writeFileSync(
      path.join(project.dir, '.dango', 'sources.yml'),
      'sources:\n  - name: events\n    type: local_files\n    local_files:\n      directory: data/nowhere\n',
    );
    const platform = await project.open();
    const result = await platform.sync('events');
    expect(result.status).toBe('failed');
    expect(result.error_message).toMatch(/^Source 'events': directory not found: data\/nowhere \(.*data\/nowhere\); .*fix local_files\.directory/);
    expect((await platform.checkSource('events')).ok).toBe(false);
  });
});
