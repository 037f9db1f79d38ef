import type { Command } from 'commander';
import { formatBytes, formatCount, formatTable } from '../format';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** `dango status`: the sources table and the warehouse size, or all of it as JSON. */
export function registerStatus(program: Command, io: CliIo): void {
  withProjectOption(program.command('status'))
    .description('show sources (status, rows, last sync) and the warehouse size')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { project?: string; json?: boolean }) => {
      const [{ resolveProjectDir }, { withBackend }] = await Promise.all([import('../project'), import('../open-backend')]);
      const root = resolveProjectDir(opts.project);
      await withBackend(root, io, async (backend) => {
        const [sources, bytes] = await Promise.all([backend.listSources(), backend.warehouseBytes()]);
        if (opts.json) {
          io.out(JSON.stringify({ project_dir: root, server_url: backend.serverUrl, warehouse_bytes: bytes, sources }, null, 2));
          return;
        }
        io.out(`Project: ${root}`);
        io.out(`Server: ${backend.serverUrl ? `running at ${backend.serverUrl}` : 'not running'}`);
        io.out('');
        if (sources.length === 0) io.out('No sources configured (add one to .dango/sources.yml)');
        else {
          const rows = sources.map((s) => [
            s.name,
            s.type,
            s.enabled ? s.status : `${s.status} (disabled)`,
            formatCount(s.row_count),
            s.last_sync ?? 'never',
          ]);
          for (const line of formatTable(['NAME', 'TYPE', 'STATUS', 'ROWS', 'LAST SYNC'], rows, new Set([3]))) io.out(line);
        }
        io.out('');
        io.out(`Warehouse: ${bytes === null ? 'size unknown' : formatBytes(bytes)}`);
      }, { readOnly: true });
    });
}
