import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DangoPlatform, type DangoEvent } from '@dango/core';

const demo = fileURLToPath(new URL('../../demo', import.meta.url));

/** One line per event; `log` events are the activity log's own lines and are left out. */
function describeEvent(event: DangoEvent): string | null {
  if (event.type === 'log') return null;
  const subject = 'source' in event ? event.source : 'model' in event ? event.model : '';
  const rows = 'rows' in event && event.rows !== undefined ? ` rows=${event.rows}` : '';
  return `event ${event.type} ${subject ?? ''}${rows} - ${event.message}`;
}

// A temp copy, so running the example never writes a warehouse into the repo.
const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-programmatic-'));
fs.cpSync(demo, projectDir, { recursive: true, filter: (src) => !src.endsWith('.duckdb') && !src.endsWith('.duckdb.wal') });

const platform = await DangoPlatform.open({ projectDir });
platform.on('event', (event) => {
  const line = describeEvent(event);
  if (line) console.log(line);
});

try {
  for (const source of await platform.listSources()) {
    const result = await platform.sync(source.name);
    console.log(`synced ${source.name}: ${result.status}, ${result.rows_processed} rows in ${result.duration_seconds}s`);
    if (result.status === 'failed') process.exitCode = 1;
  }
  for (const source of await platform.listSources()) {
    console.log(`source ${source.name}: status=${source.status} rows=${source.row_count}`);
  }
} finally {
  await platform.close();
  fs.rmSync(projectDir, { recursive: true, force: true });
}
