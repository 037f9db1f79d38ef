import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { loadProjectConfig } from '../../src/config/load-config';
import { watchPaths } from '../../src/watcher/watch-paths';
import { csvSource, once, record, tempProject } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A local_files source reading `feeds/events`, outside the default watch_directories, with its own file pattern. */
const eventsSource = { name: 'events', type: 'local_files', enabled: true, local_files: { directory: 'feeds/events', file_pattern: '*.jsonl' } };

describe("the watcher follows each file source's directory and file_pattern", () => {
  it('classifies a file source match as data, keeps watch_patterns working, ignores the rest', async () => {
    const project = await tempProject({ sources: [eventsSource, csvSource('sales')] });
    cleanups.push(project.cleanup);
    const paths = watchPaths(await loadProjectConfig(project.dir));
    const at = (rel: string): string => path.join(project.dir, rel);
    expect(paths.dataDirs).toEqual(expect.arrayContaining([at('feeds/events')]));
    expect(paths.classify(at('feeds/events/2024.jsonl'))).toBe('data');
    expect(paths.classify(at('feeds/events/2024.parquet'))).toBe('ignored');
    expect(paths.classify(at('feeds/events/.2024.jsonl'))).toBe('ignored');
    expect(paths.classify(at('data/uploads/sales/a.csv'))).toBe('data');
    expect(paths.classify(at('data/uploads/sales/a.jsonl'))).toBe('ignored');
    expect(paths.classify(at('feeds/other.jsonl'))).toBe('ignored');
  });

  it('syncs a local_files source when an NDJSON file is dropped into its directory while the watcher runs', async () => {
    const project = await tempProject({ sources: [eventsSource], platform: { auto_dbt: false } });
    cleanups.push(project.cleanup);
    const platform = await DangoPlatform.open({ projectDir: project.dir, watch: true, debounceSeconds: 1 });
    cleanups.push(() => platform.close());
    expect(platform.watcherStatus()).toMatchObject({ running: true, watch_patterns: ['*.csv'] });
    const triggers = record(platform, ['watcher_triggered']);
    const completed = once(platform, 'sync_completed', (e) => e.source === 'events');
    const dir = path.join(project.dir, 'feeds', 'events');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'day1.jsonl'), '{"id":1,"kind":"click"}\n{"id":2,"kind":"view"}\n');
    expect(await completed).toMatchObject({ source: 'events', rows: 2 });
    expect(triggers).toMatchObject([{ type: 'watcher_triggered', sources: ['events'] }]);
    expect(await platform.warehouse.query('SELECT id, kind FROM raw_events.events ORDER BY id')).toEqual([
      { id: 1, kind: 'click' },
      { id: 2, kind: 'view' },
    ]);
  });
});
