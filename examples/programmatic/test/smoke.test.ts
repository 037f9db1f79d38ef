import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('examples/programmatic', () => {
  it('syncs the demo sources from code and prints their events in order', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: exampleDir });
    const lines = stdout.split('\n');
    for (const source of ['sales_data', 'crm']) {
      const started = lines.findIndex((l) => l.startsWith(`event sync_started ${source}`));
      const completed = lines.findIndex((l) => l.startsWith(`event sync_completed ${source} rows=`));
      expect(started, stdout).toBeGreaterThanOrEqual(0);
      expect(completed, stdout).toBeGreaterThan(started);
      expect(stdout).toMatch(new RegExp(`synced ${source}: success, [1-9]\\d* rows`));
      expect(stdout).toMatch(new RegExp(`source ${source}: status=synced rows=[1-9]`));
    }
  });
});
