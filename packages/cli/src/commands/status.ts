import type { Command } from 'commander';
import type { SourceSummary } from '@dango/core';
import { formatBytes, formatCount, formatTable } from '../format';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** The NEXT SYNC cell: the server's next fire time; a schedule without one says why (no server runs it, or it is off there). */
function nextSyncCell(source: SourceSummary, serverRunning: boolean): string {
  if (source.next_sync) return source.next_sync;
  if (!source.schedule) return '-';
  if (!source.enabled) return `${source.schedule} (disabled)`;
  return `${source.schedule} (${serverRunning ? 'schedules off' : 'no server running'})`;
}

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
          // The NEXT SYNC column only once some source has a schedule.
          const scheduled = sources.some((s) => s.schedule);
          const rows = sources.map((s) => [
            s.name,
            s.type,
            s.enabled ? s.status : `${s.status} (disabled)`,
            formatCount(s.row_count),
            s.last_sync ?? 'never',
            ...(scheduled ? [nextSyncCell(s, backend.serverUrl !== null)] : []),
          ]);
          const header = ['NAME', 'TYPE', 'STATUS', 'ROWS', 'LAST SYNC', ...(scheduled ? ['NEXT SYNC'] : [])];
          for (const line of formatTable(header, rows, new Set([3]))) io.out(line);
        }
        io.out('');
        io.out(`Warehouse: ${bytes === null ? 'size unknown' : formatBytes(bytes)}`);
      }, { readOnly: true });
    });
}
