import { describe, expect, it } from 'vitest';
import { csvProject, dango, salesCsv, serverTestScope, startServer, stopServer } from './helpers';

const scope = serverTestScope();
const ODD = '  - name: odd\n    type: mystery\n    enabled: true\n';

describe('dango source check', () => {
  it('lists what a sync would load without loading, in process and through a running server; exits 1 when the source cannot be read', async () => {
    const root = await csvProject(scope.dir, { 'a.csv': salesCsv(2), 'b.csv': salesCsv(1) }, ODD);
    const ok = await dango(['source', 'check', 'sales', '--project', root]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe('sales (csv): OK\n  sales: 2 files: a.csv, b.csv');

    const bad = await dango(['source', 'check', 'odd', '--project', root]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/^odd \(mystery\): FAILED: No connector for source type 'mystery' \(available: csv, local_files/);

    const missing = await dango(['source', 'check', 'nope', '--project', root]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain("Source 'nope' not found");

    const server = await startServer(root);
    const remote = await dango(['source', 'check', 'sales', '--project', root]);
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout).toBe('sales (csv): OK\n  sales: 2 files: a.csv, b.csv');
    expect((await dango(['source', 'check', 'odd', '--project', root])).exitCode).toBe(1);
    await stopServer(server);
  });
});
